import Logging
import Metrics

/// A shared, durable memory for a team of agents, in front of a backend that stores it.
///
/// Agents add *memory nodes* (who wrote what, for which task context, linked to which other
/// nodes) and read them back by id, by agent and context, through links, and in bundles per
/// task. `MemoryGraph` checks every argument, fills in ids and times, measures and logs; the
/// ``GraphStore`` behind it stores and answers. With `import MemoryGraph`, `MemoryGraph(path:)`
/// opens the embedded LMDB backend:
///
/// ```swift
/// let graph = try MemoryGraph(path: "memory.lmdb")
/// let plan = try graph.addNode(agentID: "planner", taskContext: "trip-42",
///                              result: ["type": "plan", "confidence_score": 0.91])
/// let recent = try graph.recall(agentID: "planner", taskContext: "trip-42", limit: 50)
/// ```
///
/// ## Threads
/// `MemoryGraph` is `Sendable`. The synchronous methods need a ``SynchronousGraphStore``
/// (LMDB, memory): reads run on the calling thread and never wait for writers; writes wait for
/// the commit that holds them. The `async` forms work with every backend; on a synchronous one
/// reads run inline and writes suspend the task (no thread waits) until their commit returned.
///
/// One `MemoryGraph` per store per process: share the instance.
public final class MemoryGraph: Sendable {
    /// The configuration the graph was opened with.
    public let configuration: Configuration
    /// The backend.
    public let store: any GraphStore
    /// The backend, when it answers synchronously.
    let synchronousStore: (any SynchronousGraphStore)?
    /// The swift-metrics instruments, when ``Configuration/enableMetrics`` is on.
    let metrics: StoreMetrics?
    /// Where mutations are logged (``Configuration/logger``).
    let logger: Logger
    /// Query latencies for ``performanceReport()``.
    let activity = Activity()

    /// A graph in front of `store`.
    ///
    /// ```swift
    /// let graph = try MemoryGraph(store: InMemoryGraphStore())
    /// ```
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` naming the first invalid value.
    public convenience init(store: any GraphStore, configuration: Configuration = Configuration()) throws {
        try configuration.validate()
        self.init(store: store, configuration: configuration, metrics: StoreMetrics.make(for: configuration))
    }

    /// A graph in front of `store`, with the instruments the backend shares (a checked
    /// configuration).
    package init(store: any GraphStore, configuration: Configuration, metrics: StoreMetrics?) {
        self.configuration = configuration
        self.store = store
        synchronousStore = store as? any SynchronousGraphStore
        self.metrics = metrics
        logger = configuration.logger
    }

    deinit {
        store.close()
    }

    /// Closes the store: waits for writes in flight, then releases it. Later calls throw
    /// ``MemoryGraphError/Code/closed``. Calling it twice is harmless.
    public func close() {
        store.close()
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { store.isClosed }

    /// What the backend's node cache did since the graph was opened (all zero without a cache).
    public var cacheStatistics: CacheStatistics { store.cacheStatistics }

    // MARK: Calling the store

    /// The synchronous backend, or the error that says to use the `async` forms.
    @inline(__always)
    func synchronous() throws -> any SynchronousGraphStore {
        guard let synchronousStore else {
            throw MemoryGraphError(
                .unsupported,
                "\(type(of: store)) answers only asynchronously; call the async form of this method")
        }
        return synchronousStore
    }

    /// Runs the read `body` on the synchronous backend; counts and times it as `operation` (a
    /// public method's `#function`), and as a query for ``performanceReport()`` when `isQuery`.
    @inline(__always)
    func reading<T>(
        _ operation: StaticString = #function, isQuery: Bool = false,
        _ body: (any SynchronousGraphStore) throws -> T
    ) throws -> T {
        let store = try synchronous()
        let timed = metrics != nil || isQuery
        let start = timed ? monotonicNanoseconds() : 0
        defer { if timed { measured(operation, isQuery: isQuery, since: start) } }
        return try body(store)
    }

    /// Runs the read `body` on the backend; counts and times it as ``reading(_:isQuery:_:)`` does.
    func reading<T>(
        _ operation: StaticString = #function, isQuery: Bool = false,
        _ body: (any GraphStore) async throws -> T
    ) async throws -> T {
        try ensureAsyncEnabled()
        let timed = metrics != nil || isQuery
        let start = timed ? monotonicNanoseconds() : 0
        defer { if timed { measured(operation, isQuery: isQuery, since: start) } }
        return try await body(store)
    }

    private func measured(_ operation: StaticString, isQuery: Bool, since start: UInt64) {
        let elapsed = monotonicNanoseconds() &- start
        metrics?.record(function: operation, nanoseconds: elapsed)
        if isQuery { activity.recordQuery(nanoseconds: elapsed) }
    }

    /// Applies `mutation` and waits for its commit; counts, times and logs it as `operation`.
    func perform(_ mutation: GraphMutation, operation: StaticString = #function) throws -> MutationOutcome {
        let store = try synchronous()
        let start = monotonicNanoseconds()
        let outcome = store.applySynchronously([mutation])[0]
        return try recorded(outcome, of: mutation, operation: operation, since: start)
    }

    /// Applies `mutation`; the task is suspended until its commit returned.
    func perform(_ mutation: GraphMutation, operation: StaticString = #function) async throws -> MutationOutcome {
        try ensureAsyncEnabled()
        let start = monotonicNanoseconds()
        let outcome = await store.apply([mutation])[0]
        return try recorded(outcome, of: mutation, operation: operation, since: start)
    }

    private func recorded(
        _ outcome: Result<MutationOutcome, MemoryGraphError>, of mutation: GraphMutation, operation: StaticString,
        since start: UInt64
    ) throws -> MutationOutcome {
        let value = try outcome.get()
        let elapsed = monotonicNanoseconds() &- start
        metrics?.record(function: operation, nanoseconds: elapsed)
        if logger.logLevel <= .debug {
            let name = operationName(operation.description)
            for var metadata in mutation.logMetadata {
                metadata["operation"] = .string(name)
                metadata["duration"] = .stringConvertible(Double(elapsed) / 1e9)
                logger.debug("mutation", metadata: metadata)
            }
        }
        return value
    }

    func ensureAsyncEnabled() throws {
        guard configuration.enableAsyncOperations else {
            throw MemoryGraphError(
                .asyncDisabled,
                "async operations are disabled; set Configuration.enableAsyncOperations or call the synchronous form")
        }
    }

    func ensureBundling() throws {
        guard configuration.enableBundling else {
            throw MemoryGraphError(
                .bundlingDisabled, "bundles are disabled; set Configuration.enableBundling to use them")
        }
    }
}
