import Foundation
public import Logging
public import MemoryGraphCore
import NIOConcurrencyHelpers
import NIOSSL
import PostgresNIO
import Synchronization

/// A graph in a PostgreSQL database, which several processes and hosts — several
/// `memory-graph serve` instances — share.
///
/// It answers exactly as the LMDB backend does: the conformance suite holds both to one
/// contract. Each ``apply(_:)`` is one SQL transaction in which every mutation runs inside a
/// savepoint, so a failing mutation fails alone. Compare-and-set is an `UPDATE … WHERE id = $1
/// AND version = $2` on the locked row. The change log is gap-free in commit order across every
/// process: a write transaction takes its sequence numbers from one row (`head`) as its last
/// step, and holds that row's lock until it commits. `LISTEN`/`NOTIFY` only wakes followers.
///
/// ```swift
/// let postgres = try PostgresConfiguration(url: "postgres://memory@127.0.0.1/agents")
/// let graph = try await MemoryGraph.postgres(postgres)
/// try await graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
/// ```
///
/// Every value reaches the server as a bound parameter, never inside the SQL text. PostgreSQL
/// cannot store the character U+0000 in `text` or `jsonb`: a name or string that holds it fails
/// with ``MemoryGraphError/Code/invalidArgument``.
public final class PostgresGraphStore: GraphStore {
    /// The options the store follows, as ``MemoryGraph`` was given them.
    public let configuration: MemoryGraph.Configuration
    /// Where the graph lives.
    public let postgres: PostgresConfiguration
    let schema: PostgresSchema
    let client: PostgresClient
    let logger: Logger
    /// Signalled when a commit's notification arrives (and by this process's own commits).
    let commits = CommitSignal()
    /// The deadlines of the operations in flight.
    let deadlines = OperationDeadlines()
    /// The oldest change log entry this process saw, or one before it: when it is not due for
    /// trimming, no entry is.
    let oldestChange = NIOLockedValueBox<OldestChange?>(nil)
    private let tasks: NIOLockedValueBox<(closed: Bool, listening: Bool, running: [Task<Void, Never>])>

    private init(_ postgres: PostgresConfiguration, configuration: MemoryGraph.Configuration, logger: Logger) {
        self.configuration = configuration
        self.postgres = postgres
        self.logger = logger
        schema = PostgresSchema(postgres.schema)
        var client = PostgresClient.Configuration(
            host: postgres.host, port: postgres.port, username: postgres.username, password: postgres.password,
            database: postgres.database, tls: Self.tls(postgres.tls))
        client.options.maximumConnections = postgres.maximumConnections
        client.options.connectTimeout = postgres.connectTimeout
        self.client = PostgresClient(configuration: client, backgroundLogger: logger)
        tasks = NIOLockedValueBox((false, false, []))
    }

    /// Connects to the server, creates or upgrades the graph's schema, and starts listening for
    /// commits.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` for an invalid value;
    ///   ``MemoryGraphError/Code/unavailable`` when the server cannot be reached;
    ///   ``MemoryGraphError/Code/incompatibleSchema`` when the schema is newer than this library.
    public static func open(
        _ postgres: PostgresConfiguration, configuration: MemoryGraph.Configuration = .init(),
        logger: Logger = Logger(label: "memory-graph.postgres")
    ) async throws -> PostgresGraphStore {
        try postgres.validate()
        try configuration.validate()
        let store = PostgresGraphStore(postgres, configuration: configuration, logger: logger)
        // The pool runs from the start, so that it is running by the first operation.
        let client = store.client
        let deadlines = store.deadlines
        store.tasks.withLockedValue { tasks in
            tasks.running.append(Task { await client.run() })
            tasks.running.append(
                Task {
                    while (try? await Task.sleep(for: OperationDeadlines.tick)) != nil { deadlines.expire() }
                })
        }
        do {
            _ = try await prepareSchema(postgres, textPaths: configuration.searchableMetadataPaths, logger: logger)
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Creates or upgrades the graph's schema and returns its version before and after (0: there
    /// was none), without opening the graph: what `memory-graph migrate` runs.
    ///
    /// - Throws: What ``open(_:configuration:logger:)`` throws.
    public static func migrate(
        _ postgres: PostgresConfiguration, logger: Logger = Logger(label: "memory-graph.postgres")
    )
        async throws -> (before: Int, after: Int)
    {
        try postgres.validate()
        return (try await prepareSchema(postgres, textPaths: nil, logger: logger), PostgresSchema.currentVersion)
    }

    /// Creates or upgrades the schema on a connection of its own (so that a server that cannot
    /// be reached says why), builds the full-text index with `textPaths` unless it holds them
    /// already, and returns the version found.
    private static func prepareSchema(_ postgres: PostgresConfiguration, textPaths: [String]?, logger: Logger)
        async throws -> Int
    {
        var configuration = PostgresConnection.Configuration(
            host: postgres.host, port: postgres.port, username: postgres.username, password: postgres.password,
            database: postgres.database, tls: try connectionTLS(postgres.tls))
        configuration.options.connectTimeout = .nanoseconds(
            Int64(postgres.connectTimeout.components.seconds) * 1_000_000_000)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresFailure.mapped(error, while: "connecting to \(postgres.host):\(postgres.port)")
        }
        do {
            let schema = PostgresSchema(postgres.schema)
            let found = try await schema.prepare(on: connection, createdAt: Microseconds.now(), logger: logger)
            if let textPaths,
                try await PostgresTextIndex.prepare(paths: textPaths, in: schema, on: connection, logger: logger),
                found > 0
            {
                logger.info(
                    "built the full-text index",
                    metadata: ["schema": "\(postgres.schema)", "metadata_paths": "\(textPaths)"])
            }
            try? await connection.close()
            return found
        } catch {
            try? await connection.close()
            throw PostgresFailure.mapped(error, while: "preparing schema \(postgres.schema)")
        }
    }

    /// Stops the pool and the listener; later calls fail with ``MemoryGraphError/Code/closed``.
    /// Transactions in flight finish or fail first. Calling it twice is harmless.
    public func close() {
        let running = tasks.withLockedValue { state -> [Task<Void, Never>] in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.running = [] }
            return state.running
        }
        for task in running { task.cancel() }
        commits.signal()
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { tasks.withLockedValue { $0.closed } }

    /// All zero: the store keeps no cache of its own (PostgreSQL's buffer cache is the server's).
    public var cacheStatistics: MemoryGraph.CacheStatistics {
        MemoryGraph.CacheStatistics(hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0)
    }

    /// Runs `body` on a pooled connection, with every failure as a ``MemoryGraphError``.
    ///
    /// `body` runs in a task of its own, so that it completes even when the caller's task is
    /// cancelled: a cancelled follower of the change log ends quietly, and a write whose caller
    /// went away is committed or rolled back, never left in doubt by the cancellation.
    func connected<Result: Sendable>(
        _ doing: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws(MemoryGraphError) -> Result {
        guard !isClosed else { throw Self.closedError }
        let client = client
        let outcome = ResumeOnce<Result>()
        // The pool waits for a connection as long as the server is away, and a waiting lease may
        // not heed cancellation; a connection whose server died may never answer. After
        // connectTimeout without a connection, or operationTimeout without an answer, the caller
        // hears `.unavailable`, and the operation is cancelled (one that gets its connection
        // only later does nothing).
        let (connectTimeout, operationTimeout) = (postgres.connectTimeout, postgres.operationTimeout)
        let server = "\(postgres.host):\(postgres.port)"
        let operation = InFlightOperation { connected in
            outcome.resume(
                .failure(
                    connected
                        ? MemoryGraphError(
                            .unavailable,
                            "PostgreSQL at \(server) did not answer within \(operationTimeout) while \(doing); "
                                + "a write may or may not have been applied")
                        : MemoryGraphError(
                            .unavailable,
                            "no connection to PostgreSQL at \(server) within \(connectTimeout) while \(doing)")))
        }
        let deadlines = deadlines
        let key = deadlines.add(operation, connectTimeout: connectTimeout, operationTimeout: operationTimeout)
        let closed = { [weak self] in self?.isClosed ?? true }
        operation.run(
            in: Task {
                do {
                    let value = try await client.withConnection { connection in
                        // A caller that gave up waiting has been told `.unavailable`: do nothing then.
                        guard operation.connect() else { throw CancellationError() }
                        return try await body(connection)
                    }
                    outcome.resume(.success(value))
                } catch {
                    outcome.resume(.failure(PostgresFailure.mapped(error, while: doing, closed: closed())))
                }
                deadlines.remove(key)
            })
        return try await outcome.value()
    }

    /// Runs `body` on a pooled connection in the caller's task (for a `body` that calls back
    /// into the caller), with every failure as a ``MemoryGraphError``.
    func connectedInPlace<Result: Sendable>(
        _ doing: String, _ body: (PostgresConnection) async throws -> Result
    ) async throws(MemoryGraphError) -> Result {
        guard !isClosed else { throw Self.closedError }
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresFailure.mapped(error, while: doing, closed: isClosed)
        }
    }

    /// Starts following the commit notifications, once: on the first wait for changes, so that a
    /// store no one follows holds no connection for it.
    func startListening() {
        tasks.withLockedValue { state in
            guard !state.closed, !state.listening else { return }
            state.listening = true
            state.running.append(Task { await self.listen() })
        }
    }

    /// Follows the commit notifications of every process while the store is open, and signals
    /// ``commits`` for each; after a lost connection, listens again.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: schema.channel) { notifications in
                        commits.signal()  // commits may have happened while no one listened
                        for try await _ in notifications { commits.signal() }
                    }
                }
            } catch {
                logger.debug("listening for commits failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    static var closedError: MemoryGraphError {
        MemoryGraphError(.closed, "the PostgreSQL graph was closed; open it again")
    }

    private static func connectionTLS(_ mode: PostgresConfiguration.TLSMode) throws
        -> PostgresConnection.Configuration.TLS
    {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private static func tls(_ mode: PostgresConfiguration.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }
}

/// A result that the first of several tasks delivers to one waiting caller.
private final class ResumeOnce<Value: Sendable>: Sendable {
    private let state = NIOLockedValueBox<
        (result: Result<Value, MemoryGraphError>?, waiter: CheckedContinuation<Value, any Error>?)
    >((nil, nil))

    /// Delivers `result` unless one was delivered already.
    func resume(_ result: Result<Value, MemoryGraphError>) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Value, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    /// Waits for the first result.
    func value() async throws(MemoryGraphError) -> Value {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let result = state.withLockedValue { state -> Result<Value, MemoryGraphError>? in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let result { continuation.resume(with: result.mapError { $0 as any Error }) }
            }
        } catch {
            throw MemoryGraphError.from(error)
        }
    }
}

extension MemoryGraph {
    /// A graph on the PostgreSQL database `postgres` describes: see ``PostgresGraphStore``.
    ///
    /// ```swift
    /// let graph = try await MemoryGraph.postgres(try PostgresConfiguration(url: "postgres://memory@127.0.0.1/agents"))
    /// ```
    ///
    /// - Throws: What ``PostgresGraphStore/open(_:configuration:logger:)`` throws.
    public static func postgres(
        _ postgres: PostgresConfiguration, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "memory-graph.postgres")
    ) async throws -> MemoryGraph {
        let store = try await PostgresGraphStore.open(postgres, configuration: configuration, logger: logger)
        return try MemoryGraph(store: store, configuration: configuration)
    }
}
