public import Foundation

/// A ``GraphStore`` that answers on the calling thread, without suspending: the embedded LMDB
/// backend, whose point reads take about a microsecond, and the in-memory reference store.
///
/// The ``MemoryGraph`` facade's synchronous methods need one; its `async` methods use these
/// too, inline, so a read never hops to another executor. Every `async` requirement of
/// ``GraphStore`` has a default here that calls the synchronous form.
///
/// A synchronous method may block its thread only for a write (waiting for the commit), never
/// for a read.
public protocol SynchronousGraphStore: GraphStore {
    /// Applies `mutations`, each alone, and waits for the commit: see ``GraphStore/apply(_:)``.
    func applySynchronously(_ mutations: [GraphMutation]) -> [Result<MutationOutcome, MemoryGraphError>]
    /// Modifies node `id` and waits for the commit: see ``GraphStore/modifyNode(_:updatedAt:_:)``.
    func modifyNode(_ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?)
        throws -> MemoryNode

    /// The node `id`, or `nil`.
    func node(_ id: NodeID) throws -> MemoryNode?
    /// The nodes `ids` from one state, `nil` for each that does not exist.
    func nodes(_ ids: [NodeID]) throws -> [MemoryNode?]
    /// The nodes of `agentID` in `taskContext`, newest first, at most `limit`.
    func recall(agentID: String, taskContext: String, limit: Int?) throws -> [MemoryNode]
    /// Up to `query.limit + 1` matching nodes after `cursor`, in the query's order.
    func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) throws -> [MemoryNode]
    /// The ids of the first `query.limit` matching nodes.
    func queryIDs(_ query: MemoryQuery) throws -> [NodeID]
    /// How many nodes match `query`.
    func count(_ query: MemoryQuery) throws -> Int
    /// How the backend answers `query`.
    func explain(_ query: MemoryQuery) throws -> QueryPlan
    /// The nodes `id` links to, in id order.
    func links(from id: NodeID) throws -> [NodeID]
    /// The nodes that link to `id`, in id order.
    func backlinks(to id: NodeID) throws -> [NodeID]
    /// The nodes within `depth` links of `id`, breadth-first.
    func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) throws -> [Neighbor]
    /// The bundle `id`, or `nil`.
    func bundle(_ id: BundleID) throws -> MemoryBundle?
    /// The bundles of `taskID`, newest first.
    func bundles(forTask taskID: String, limit: Int?) throws -> [MemoryBundle]
    /// The bundles that list `context`, newest first.
    func bundles(forContext context: String) throws -> [MemoryBundle]
    /// Counts from one state.
    func statistics() throws -> GraphStatistics
    /// Every node, then every bundle, from one state: see ``GraphStore/export(_:)``.
    func export(_ visit: (ExportedRecord) throws -> Void) throws
    /// Writes, commits and storage size since the store was opened.
    func usage() throws -> StoreUsage
    /// See ``GraphStore/embeddingDimension()``.
    func embeddingDimension() throws -> Int?
    /// See ``GraphStore/embeddings(of:)``.
    func embeddings(of ids: [NodeID]) throws -> [[Float]?]
    /// See ``GraphStore/nearestNodes(to:metric:matching:limit:)``.
    func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    /// See ``GraphStore/currentSequence()``.
    func currentSequence() throws -> UInt64
    /// See ``GraphStore/changes(after:matching:limit:)``.
    func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) throws -> ChangePage
    /// See ``GraphStore/history(of:)``.
    func history(of id: NodeID) throws -> [MemoryNode]
}

/// Runs `body` — a synchronous call — where an overload of the same name is `async`.
@inline(__always)
private func inline<T>(_ body: () throws -> T) rethrows -> T { try body() }

extension SynchronousGraphStore {
    /// Applies on the calling task: see ``applySynchronously(_:)``. Backends whose writes wait
    /// on a queue override this so that no thread waits.
    public func apply(_ mutations: [GraphMutation]) async -> [Result<MutationOutcome, MemoryGraphError>] {
        applySynchronously(mutations)
    }

    public func node(_ id: NodeID) async throws -> MemoryNode? { try inline { try node(id) } }

    /// Modifies on the calling task: see ``modifyNode(_:updatedAt:_:)-(_,_,_)``.
    public func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) async throws -> MemoryNode {
        try inline { try modifyNode(id, updatedAt: updatedAt, body) }
    }

    /// Modifies by compare-and-set, as ``GraphStore``'s default does, synchronously.
    public func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) throws -> MemoryNode {
        while true {
            guard let node = try node(id) else { throw MemoryGraphError.missingNode(id) }
            guard let update = try body(node) else { return node }
            let mutation = GraphMutation.updateNode(id, update, expectedVersion: node.version, updatedAt: updatedAt)
            if let updated = try ModifyAttempt.outcome(applySynchronously([mutation])[0], of: node, update) {
                return updated
            }
        }
    }

    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] { try inline { try nodes(ids) } }

    public func recall(agentID: String, taskContext: String, limit: Int?) async throws -> [MemoryNode] {
        try inline { try recall(agentID: agentID, taskContext: taskContext, limit: limit) }
    }

    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) async throws -> [MemoryNode] {
        try inline { try queryNodes(query, after: cursor) }
    }

    public func queryIDs(_ query: MemoryQuery) async throws -> [NodeID] { try inline { try queryIDs(query) } }

    public func count(_ query: MemoryQuery) async throws -> Int { try inline { try count(query) } }

    public func explain(_ query: MemoryQuery) async throws -> QueryPlan { try inline { try explain(query) } }

    public func links(from id: NodeID) async throws -> [NodeID] { try inline { try links(from: id) } }

    public func backlinks(to id: NodeID) async throws -> [NodeID] { try inline { try backlinks(to: id) } }

    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) async throws
        -> [Neighbor]
    {
        try inline { try neighbors(of: id, direction: direction, depth: depth, limit: limit) }
    }

    public func bundle(_ id: BundleID) async throws -> MemoryBundle? { try inline { try bundle(id) } }

    public func bundles(forTask taskID: String, limit: Int?) async throws -> [MemoryBundle] {
        try inline { try bundles(forTask: taskID, limit: limit) }
    }

    public func bundles(forContext context: String) async throws -> [MemoryBundle] {
        try inline { try bundles(forContext: context) }
    }

    public func statistics() async throws -> GraphStatistics { try inline { try statistics() } }

    public func usage() async throws -> StoreUsage { try inline { try usage() } }

    public func currentSequence() async throws -> UInt64 { try inline { try currentSequence() } }

    public func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) async throws -> ChangePage {
        try inline { try changes(after: sequence, matching: filter, limit: limit) }
    }

    public func history(of id: NodeID) async throws -> [MemoryNode] { try inline { try history(of: id) } }

    public func embeddingDimension() async throws -> Int? { try inline { try embeddingDimension() } }

    public func embeddings(of ids: [NodeID]) async throws -> [[Float]?] { try inline { try embeddings(of: ids) } }

    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    {
        try inline { try nearestNodes(to: vector, metric: metric, matching: filter, limit: limit) }
    }

    /// Collects the records synchronously, then hands them to `visit`: a synchronous backend's
    /// export is a snapshot walk that cannot suspend. Use ``export(_:)-(ExportedRecord)->Void``
    /// for constant memory.
    public func export(_ visit: (ExportedRecord) async throws -> Void) async throws {
        var records: [ExportedRecord] = []
        try inline { try export { records.append($0) } }
        for record in records { try await visit(record) }
    }
}
