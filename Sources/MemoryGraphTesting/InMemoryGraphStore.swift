import Foundation
public import MemoryGraphCore
import NIOConcurrencyHelpers

/// The reference backend: a graph in plain dictionaries in memory, written to be obviously
/// correct rather than fast.
///
/// Every read filters and sorts all nodes by brute force; every mutation works on a copy of the
/// whole state and keeps it only when the mutation succeeded. It answers exactly as the LMDB
/// backend does — orders, cursors, counts, errors and their conditions — and the conformance
/// suite compares every other backend with it. Use it in tests of code built on ``MemoryGraph``:
///
/// ```swift
/// let graph = try MemoryGraph(store: InMemoryGraphStore())
/// let id = try graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
/// ```
///
/// Nothing is persisted: closing the store (or the graph in front of it) discards the graph.
/// It is safe to use from any thread; a read works on the state of one moment.
public final class InMemoryGraphStore: SynchronousGraphStore {
    /// The options the store follows: ``MemoryGraph/Configuration/maxNodesPerBundle``,
    /// ``MemoryGraph/Configuration/enableBundling`` and
    /// ``MemoryGraph/Configuration/maximumPayloadSize``, and keeps the change log as
    /// ``MemoryGraph/Configuration/changeRetention`` says.
    public let configuration: MemoryGraph.Configuration

    /// Everything the store holds.
    let state: LockedValue<State>
    /// Signalled after each batch that appended to the change log.
    let commits = CommitSignal()

    /// What the store holds: nodes, their out-links, bundles, and the figures of
    /// ``usage()``. Every other answer is derived from these when it is asked for.
    struct State: Sendable {
        var isClosed = false
        /// When the store says it was created.
        var createdAt = Microseconds.now()
        var nodes: [NodeID: StoredNode] = [:]
        /// The out-links of each node that has any.
        var links: [NodeID: Set<NodeID>] = [:]
        var bundles: [BundleID: MemoryBundle] = [:]
        var writes = 0
        var commits = 0
        /// The change log, oldest first, and the sequence number of the newest entry ever.
        var log: [LoggedChange] = []
        var lastSequence: UInt64 = 0
        /// The commit time of the batch being applied, and how many entries it appended.
        var commitTime = Date(timeIntervalSince1970: 0)
        var appendedInBatch = 0
        /// The dimension of every embedding: fixed by the first one stored.
        var embeddingDimension: Int?
    }

    /// A node as stored: its fields without links, and the fields queries filter on.
    struct StoredNode: Sendable {
        /// The node with no links (they live in ``State/links``).
        var node: MemoryNode
        var type: String?
        var confidence: Double?
        /// Its timestamp and id: what orders nodes.
        var posting: Posting
        /// Its embedding, if it has one.
        var embedding: [Float]?
    }

    /// An empty graph that follows `configuration`'s bundle and payload limits.
    ///
    /// ```swift
    /// var configuration = MemoryGraph.Configuration()
    /// configuration.maxNodesPerBundle = 6
    /// let graph = try MemoryGraph(store: InMemoryGraphStore(configuration: configuration),
    ///                             configuration: configuration)
    /// ```
    public init(configuration: MemoryGraph.Configuration = .init()) {
        self.configuration = configuration
        state = LockedValue(State())
    }

    /// Discards the graph; later calls fail with ``MemoryGraphError/Code/closed``. Calling it
    /// twice is harmless.
    public func close() {
        state.withLockedValue { state in
            state = State()
            state.isClosed = true
        }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    /// All zero: the store keeps no cache.
    public var cacheStatistics: MemoryGraph.CacheStatistics {
        MemoryGraph.CacheStatistics(hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0)
    }

    /// The state of this moment.
    ///
    /// - Throws: ``MemoryGraphError/Code/closed`` after ``close()``.
    /// The nodes that have expired but not been swept are not in it: every read works on the
    /// state as it will be once they are.
    func snapshot() throws(MemoryGraphError) -> State {
        var current = state.withLockedValue { $0 }
        guard !current.isClosed else { throw Self.closedError }
        for id in current.expired(at: configuration.currentTime()) {
            _ = Self.remove(id, from: &current, logging: nil)
        }
        return current
    }

    static var closedError: MemoryGraphError {
        MemoryGraphError(.closed, "the in-memory graph was closed; its contents are gone, open a new one")
    }
}

extension MemoryGraph {
    /// A graph on a new, empty ``InMemoryGraphStore``: for tests of code built on `MemoryGraph`.
    ///
    /// ```swift
    /// let graph = try MemoryGraph.inMemory()
    /// ```
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` naming the first invalid value.
    public static func inMemory(configuration: Configuration = Configuration()) throws -> MemoryGraph {
        try MemoryGraph(store: InMemoryGraphStore(configuration: configuration), configuration: configuration)
    }
}

extension InMemoryGraphStore.State {
    /// The nodes expired at `now`, soonest first (ties by id), as the LMDB store lists them.
    func expired(at now: Date) -> [NodeID] {
        let moment = Microseconds(nearest: now)
        return nodes.compactMap { id, stored -> (Microseconds, NodeID)? in
            guard let expiresAt = stored.node.expiresAt else { return nil }
            let time = Microseconds(nearest: expiresAt)
            return time <= moment ? (time, id) : nil
        }
        .sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        .map(\.1)
    }
}
