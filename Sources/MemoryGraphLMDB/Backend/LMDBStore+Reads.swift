import Foundation
import LMDB
public import MemoryGraphCore
import Synchronization

/// The reads, synchronous: each in one pooled read snapshot on the calling thread.
extension LMDBStore {
    public func node(_ id: NodeID) throws -> MemoryNode? {
        if let cached = try cachedWithoutTransaction(id) { return cached }
        return try read { try $0.node(id) }
    }

    /// The cached node `id` when the cache is current, found without a read transaction: the
    /// last commit of any process is read from LMDB's meta page, and a commit this process did
    /// not make empties the cache first.
    ///
    /// Only while no node is due to expire in that snapshot: otherwise the read transaction
    /// leaves out the expired ones.
    private func cachedWithoutTransaction(_ id: NodeID) throws -> MemoryNode? {
        guard let cache else { return nil }
        try ensureOpen()
        let snapshot = try parts.translatingErrors { try environment.lastCommittedTransaction() }
        cache.observe(snapshot: snapshot)
        var nothingDue = parts.expiryHint.nothingDue(snapshot: snapshot, at: parts.now)
        if nothingDue == nil {
            // The first read of a snapshot looks at `idx.expiry` once, for every later read of it.
            _ = try self.snapshot { try $0.hidden() }
            nothingDue = parts.expiryHint.nothingDue(snapshot: snapshot, at: parts.now)
        }
        guard nothingDue == true else { return nil }
        return cache.node(id, countingMiss: false)
    }

    public func nodes(_ ids: [NodeID]) throws -> [MemoryNode?] { try read { try $0.nodes(ids) } }

    public func recall(agentID: String, taskContext: String, limit: Int?) throws -> [MemoryNode] {
        try read { try $0.recall(agentID: agentID, taskContext: taskContext, limit: limit) }
    }

    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) throws -> [MemoryNode] {
        try read { try $0.queryNodes(query, after: cursor) }
    }

    public func queryIDs(_ query: MemoryQuery) throws -> [NodeID] { try read { try $0.queryIDs(query) } }

    public func count(_ query: MemoryQuery) throws -> Int { try read { try $0.count(query) } }

    public func explain(_ query: MemoryQuery) throws -> QueryPlan { try read { try $0.explain(query) } }

    public func links(from id: NodeID) throws -> [NodeID] { try read { try $0.links(from: id) } }

    public func backlinks(to id: NodeID) throws -> [NodeID] { try read { try $0.backlinks(to: id) } }

    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) throws -> [Neighbor] {
        try read { try $0.neighbors(of: id, direction: direction, depth: depth, limit: limit) }
    }

    public func bundle(_ id: BundleID) throws -> MemoryBundle? { try read { try $0.bundle(id) } }

    public func bundles(forTask taskID: String, limit: Int?) throws -> [MemoryBundle] {
        try read { try $0.bundles(forTask: taskID, limit: limit) }
    }

    public func bundles(forContext context: String) throws -> [MemoryBundle] {
        try read { try $0.bundles(forContext: context) }
    }

    public func statistics() throws -> GraphStatistics { try read { try $0.statistics() } }

    public func export(_ visit: (ExportedRecord) throws -> Void) throws { try read { try $0.export(visit) } }

    public func usage() throws -> StoreUsage {
        try ensureOpen()
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? nil
        return StoreUsage(
            writes: writer.writes.load(ordering: .relaxed), commits: writer.commits.load(ordering: .relaxed),
            storageBytes: size ?? 0)
    }
}

/// The reads, `async`: each first waits, suspended, for lazy indexing to catch up, then reads
/// inline, so no read blocks a thread of the cooperative pool.
extension LMDBStore {
    /// Runs the synchronous read `body` in a snapshot once lazy indexing caught up.
    func asyncRead<T>(_ body: (StoreTransaction) throws -> T) async throws -> T {
        try await catchUp()
        return try snapshot(body)
    }

    public func node(_ id: NodeID) async throws -> MemoryNode? {
        if let cached = try cachedWithoutTransaction(id) { return cached }
        return try await asyncRead { try $0.node(id) }
    }

    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] { try await asyncRead { try $0.nodes(ids) } }

    public func recall(agentID: String, taskContext: String, limit: Int?) async throws -> [MemoryNode] {
        try await asyncRead { try $0.recall(agentID: agentID, taskContext: taskContext, limit: limit) }
    }

    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) async throws -> [MemoryNode] {
        try await asyncRead { try $0.queryNodes(query, after: cursor) }
    }

    public func queryIDs(_ query: MemoryQuery) async throws -> [NodeID] {
        try await asyncRead { try $0.queryIDs(query) }
    }

    public func count(_ query: MemoryQuery) async throws -> Int { try await asyncRead { try $0.count(query) } }

    public func explain(_ query: MemoryQuery) async throws -> QueryPlan {
        try await asyncRead { try $0.explain(query) }
    }

    public func links(from id: NodeID) async throws -> [NodeID] { try await asyncRead { try $0.links(from: id) } }

    public func backlinks(to id: NodeID) async throws -> [NodeID] {
        try await asyncRead { try $0.backlinks(to: id) }
    }

    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) async throws
        -> [Neighbor]
    {
        try await asyncRead { try $0.neighbors(of: id, direction: direction, depth: depth, limit: limit) }
    }

    public func bundle(_ id: BundleID) async throws -> MemoryBundle? { try await asyncRead { try $0.bundle(id) } }

    public func bundles(forTask taskID: String, limit: Int?) async throws -> [MemoryBundle] {
        try await asyncRead { try $0.bundles(forTask: taskID, limit: limit) }
    }

    public func bundles(forContext context: String) async throws -> [MemoryBundle] {
        try await asyncRead { try $0.bundles(forContext: context) }
    }

    public func statistics() async throws -> GraphStatistics { try await asyncRead { try $0.statistics() } }
}

/// Search through the full-text index, embeddings and the exact vector search, each in one read
/// snapshot; the `async` forms wait, suspended, for lazy indexing as every `async` read does.
extension LMDBStore {
    public func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> [ScoredNodeID]? {
        try await asyncRead {
            try $0.searchText(
                terms, matching: matching, filter: filter, limit: limit, metadataPaths: metadataPaths)
        }
    }

    public func embeddingDimension() throws -> Int? { try read { try $0.embeddingDimension() } }

    public func embeddingDimension() async throws -> Int? { try await asyncRead { try $0.embeddingDimension() } }

    public func embeddings(of ids: [NodeID]) throws -> [[Float]?] { try read { try $0.embeddings(of: ids) } }

    public func embeddings(of ids: [NodeID]) async throws -> [[Float]?] {
        try await asyncRead { try $0.embeddings(of: ids) }
    }

    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    {
        try read { try $0.nearestNodes(to: vector, metric: metric, matching: filter, limit: limit) }
    }

    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    {
        try await asyncRead { try $0.nearestNodes(to: vector, metric: metric, matching: filter, limit: limit) }
    }

    public func explainNearestNodes(
        to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking) {
        try await asyncRead {
            try $0.nearestNodesExplained(to: vector, metric: metric, matching: filter, limit: limit)
        }
    }

    public func explainSearchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)? {
        try await asyncRead {
            try $0.searchTextExplained(
                terms, matching: matching, filter: filter, limit: limit, metadataPaths: metadataPaths)
        }
    }
}
