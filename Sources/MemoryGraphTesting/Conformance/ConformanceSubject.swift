public import MemoryGraphCore
public import Testing

/// A backend under the conformance suite: its name and how to open a new, empty store of it.
///
/// The suite is written once against ``MemoryGraph``; each of its tests takes a subject and
/// opens as many stores of it as it needs. A backend joins the suite with one subject in the
/// test target's list of subjects:
///
/// ```swift
/// extension ConformanceSubject {
///     static let all: [ConformanceSubject] = [.inMemory, .lmdb(.batch), .postgres]
/// }
///
/// @Test(arguments: ConformanceSubject.all)
/// func randomOperations(_ subject: ConformanceSubject) async throws {
///     try await StoreModelConformance.randomOperations(on: subject, seed: 42)
/// }
/// ```
public struct ConformanceSubject: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    /// The name tests and failures show, e.g. `LMDB (batch)`.
    public let name: String
    private let open: @Sendable (MemoryGraph.Configuration) async throws -> ConformanceStore

    /// A subject named `name` whose stores `open` makes: each call a new, empty store that
    /// follows the configuration it is given.
    public init(
        _ name: String, open: @escaping @Sendable (MemoryGraph.Configuration) async throws -> ConformanceStore
    ) {
        self.name = name
        self.open = open
    }

    /// A new, empty store of this backend.
    ///
    /// - Throws: What opening the backend throws.
    public func makeStore(_ configuration: MemoryGraph.Configuration = .conformance) async throws -> ConformanceStore {
        try await open(configuration)
    }

    /// The name.
    public var description: String { name }

    /// The name, as test results show the argument.
    public var testDescription: String { name }

    /// The reference backend, ``InMemoryGraphStore``, which the suite compares every backend with.
    public static let inMemory = ConformanceSubject("in-memory") { configuration in
        ConformanceStore(graph: try MemoryGraph.inMemory(configuration: configuration))
    }
}

/// One store a conformance test opened, with what its backend can do beyond ``MemoryGraph``:
/// open the same store again, and show its raw contents.
///
/// ```swift
/// let store = try await subject.makeStore()
/// defer { store.close() }
/// try await store.graph.addNode(agentID: "a", taskContext: "c", result: [:])
/// if store.canReopen { try await store.reopen() }
/// ```
public final class ConformanceStore {
    /// Named collections of raw entries — an LMDB store's databases, a SQL store's tables —
    /// for comparisons that must find any difference, not only differences of content.
    public typealias RawContents = [String: [[UInt8]]]

    /// The graph on the store (a new instance after ``reopen()``).
    public private(set) var graph: MemoryGraph
    private let reopening: (@Sendable () async throws -> MemoryGraph)?
    private let rawContents: (@Sendable (MemoryGraph) throws -> RawContents)?
    private let cleanup: @Sendable () -> Void
    private var isClosed = false

    /// A store with `graph` on it.
    ///
    /// - Parameters:
    ///   - reopen: Opens the same store again once `graph` is closed; `nil` when the backend
    ///     cannot (a store in memory is gone once closed). Tests that reopen skip that step then.
    ///   - rawContents: The store's raw contents, for the checks that nothing at all changed;
    ///     `nil` compares the exported content (a dump) only.
    ///   - cleanup: Removes what the store left behind (its files) once it is closed.
    public init(
        graph: MemoryGraph, reopen: (@Sendable () async throws -> MemoryGraph)? = nil,
        rawContents: (@Sendable (MemoryGraph) throws -> RawContents)? = nil,
        cleanup: @escaping @Sendable () -> Void = {}
    ) {
        self.graph = graph
        reopening = reopen
        self.rawContents = rawContents
        self.cleanup = cleanup
    }

    deinit {
        close()
    }

    /// Whether ``reopen()`` can open the store again.
    public var canReopen: Bool { reopening != nil }

    /// Closes the graph and opens the same store again.
    ///
    /// - Throws: What opening the backend throws; ``MemoryGraphError/Code/unsupported`` when
    ///   ``canReopen`` is `false`.
    public func reopen() async throws {
        guard let reopening else {
            throw MemoryGraphError(.unsupported, "this store cannot be opened again once closed")
        }
        graph.close()
        graph = try await reopening()
    }

    /// The raw contents, or `nil` when the backend shows none.
    ///
    /// - Throws: What reading them throws.
    public func raw() throws -> RawContents? {
        try rawContents?(graph)
    }

    /// Closes the graph and removes what the store left behind. Calling it twice is harmless.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        graph.close()
        cleanup()
    }
}

extension MemoryGraph.Configuration {
    /// The defaults with metrics and the background expiry sweep off, as the conformance suite
    /// opens stores unless a test needs other limits.
    public static var conformance: MemoryGraph.Configuration {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        // Expired nodes go with the writes and explicit sweeps only, so that every backend logs
        // their removal at the same point.
        configuration.expirySweepInterval = nil
        return configuration
    }
}
