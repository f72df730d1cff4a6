public import Foundation

/// A place where a graph's nodes, links and bundles live: the seam between the
/// ``MemoryGraph`` facade and a backend (LMDB, PostgreSQL, a remote service, memory).
///
/// The facade checks every argument, fills in ids and times, measures and logs; a backend only
/// stores and answers. Every requirement is `async`, because network and SQL backends are.
/// A backend that can answer on the calling thread refines this as ``SynchronousGraphStore``.
///
/// The behaviour every backend must show — results, orders, errors, atomicity — is written
/// down once as the conformance suite in `MemoryGraphTesting`; a backend passes it to be one.
///
/// ## Writes
/// ``apply(_:)`` takes a batch of ``GraphMutation`` values and answers each one: a failing
/// mutation fails alone and leaves nothing of itself behind, the others take effect. A backend
/// may group the mutations of several concurrent callers into one transaction (group commit);
/// a caller is answered only once its mutation is durable as the backend promises.
///
/// ## Reads
/// Each read sees one consistent state: never half of a mutation. Orders are part of the
/// contract: newest first by `(timestamp, id)` unless a query says otherwise; links in id order.
public protocol GraphStore: AnyObject, Sendable {
    /// Applies `mutations`, each alone: the result at index *i* is that of `mutations[i]`.
    func apply(_ mutations: [GraphMutation]) async -> [Result<MutationOutcome, MemoryGraphError>]

    /// Reads node `id`, passes it to `body`, and stores the update `body` returns as the next
    /// version, updated at `updatedAt` — with no other change of the node between the read and
    /// the write. Returns the node as `body` saw it with the update applied (as it was when
    /// `body` returns `nil`: nothing is written then).
    ///
    /// `body` may run more than once (a backend that cannot hold the node while `body` runs
    /// retries with compare-and-set: the default); it must not have other effects. What it
    /// throws is rethrown as it is, and nothing is written.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound``; the errors of
    ///   ``GraphMutation/updateNode(_:_:expectedVersion:updatedAt:)``; what `body` throws.
    func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) async throws -> MemoryNode

    /// The node `id`, or `nil`.
    func node(_ id: NodeID) async throws -> MemoryNode?
    /// The nodes `ids` from one state, `nil` for each that does not exist.
    func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?]
    /// The nodes of `agentID` in `taskContext`, newest first, at most `limit` (`nil`: all).
    func recall(agentID: String, taskContext: String, limit: Int?) async throws -> [MemoryNode]
    /// Up to `query.limit + 1` matching nodes after `cursor` (the extra one tells the facade a
    /// next page exists), in the query's order.
    func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) async throws
        -> [MemoryNode]
    /// The ids of the first `query.limit` matching nodes, in the query's order.
    func queryIDs(_ query: MemoryQuery) async throws -> [NodeID]
    /// How many nodes match `query` (its limit does not apply).
    func count(_ query: MemoryQuery) async throws -> Int
    /// How the backend answers `query`, with the figures of running its first page.
    func explain(_ query: MemoryQuery) async throws -> QueryPlan
    /// The nodes `id` links to, in id order (empty when `id` does not exist).
    func links(from id: NodeID) async throws -> [NodeID]
    /// The nodes that link to `id`, in id order.
    func backlinks(to id: NodeID) async throws -> [NodeID]
    /// The nodes within `depth` links of `id`, breadth-first (see
    /// ``MemoryGraph/neighbors(of:direction:depth:limit:)``); `nodeNotFound` when `id` is missing.
    func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) async throws
        -> [Neighbor]
    /// The bundle `id`, or `nil`.
    func bundle(_ id: BundleID) async throws -> MemoryBundle?
    /// The bundles of `taskID`, newest first, at most `limit` (`nil`: all).
    func bundles(forTask taskID: String, limit: Int?) async throws -> [MemoryBundle]
    /// The bundles that list `context`, newest first.
    func bundles(forContext context: String) async throws -> [MemoryBundle]
    /// Counts of nodes, agents, contexts, types, links and bundles, from one state.
    func statistics() async throws -> GraphStatistics
    /// Every node, then every bundle, from one state, each passed to `visit` in id order,
    /// after the store's ``StoreSummary``: what a dump is made of.
    func export(_ visit: (ExportedRecord) async throws -> Void) async throws
    /// Writes, commits and storage size since the store was opened.
    func usage() async throws -> StoreUsage

    // MARK: Search

    /// The best `limit` nodes for `terms` among those `filter` matches, ranked by ``BM25`` with
    /// the statistics of every node, as ``SearchCorpus`` ranks them — from the backend's own
    /// full-text index, built with `metadataPaths`. `nil` when the backend has no such index:
    /// the facade then reads every node. (The default: `nil`.)
    func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> [ScoredNodeID]?

    // MARK: Embeddings

    /// The dimension of every embedding of the store: fixed by the first one stored, `nil` until
    /// then.
    func embeddingDimension() async throws -> Int?
    /// The embeddings of nodes `ids` from one state, `nil` for each node without one (or that
    /// does not exist).
    func embeddings(of ids: [NodeID]) async throws -> [[Float]?]
    /// The `limit` nodes that match `filter` (its limit, order and cursor play no part) and have
    /// an embedding, whose embeddings score best against `vector` by `metric`: best first, ties
    /// by id, newest first. Exact (every matching embedding compared) unless the backend keeps an
    /// approximate index, as the embedded one may.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when the store holds embeddings of
    ///   another dimension than `vector`'s.
    func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    /// ``nearestNodes(to:metric:matching:limit:)``, with how the backend found them. A backend
    /// with an approximate index (the embedded one) may answer from it instead of exactly.
    func explainNearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)
    /// ``searchText(_:matching:filter:limit:metadataPaths:)``, with how the backend found them;
    /// `nil` where that is.
    func explainSearchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)?

    // MARK: The change log

    /// The sequence number of the newest entry ever appended to the change log; 0 when none was.
    func currentSequence() async throws -> UInt64
    /// The entries after `sequence` that match `filter`, oldest first: at most `limit` of them,
    /// from at most ``ChangePage/maximumScanned`` entries examined.
    ///
    /// - Throws: ``MemoryGraphError/Code/changesTruncated`` when retention dropped entries after
    ///   `sequence`.
    func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) async throws -> ChangePage
    /// Returns once the log may hold entries after `sequence` — commits of other processes
    /// included — or when `timeout` passed or the task was cancelled, whichever comes first.
    func waitForChanges(after sequence: UInt64, timeout: Duration) async
    /// Node `id` as it is and as it was, newest first: the current node (when it exists), then
    /// each earlier version that the retained change log holds, with its version, update time,
    /// result and metadata. Earlier versions carry no links.
    func history(of id: NodeID) async throws -> [MemoryNode]

    /// What the backend's node cache did (all zero for a backend without one).
    var cacheStatistics: MemoryGraph.CacheStatistics { get }
    /// Whether ``close()`` was called.
    var isClosed: Bool { get }
    /// Waits for the writes in flight, then releases the store's resources; later calls fail
    /// with ``MemoryGraphError/Code/closed``. Calling it twice is harmless.
    func close()
}

extension GraphStore {
    /// ``nearestNodes(to:metric:matching:limit:)``, said to be exact.
    public func explainNearestNodes(
        to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking) {
        let hits = try await nearestNodes(to: vector, metric: metric, matching: filter, limit: limit)
        let ranking =
            filter.isUnconstrained
            ? SearchPlan.Ranking(method: .vectorScan, scored: nil, found: hits.count, reason: "no filter; exact")
            : SearchPlan.Ranking(
                method: .vectorFilterScan, scored: nil, found: hits.count, reason: "the filter's matches; exact")
        return (hits, ranking)
    }

    /// ``searchText(_:matching:filter:limit:metadataPaths:)``, said to be the backend's index.
    public func explainSearchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)? {
        guard
            let hits = try await searchText(
                terms, matching: matching, filter: filter, limit: limit, metadataPaths: metadataPaths)
        else { return nil }
        return (
            hits,
            SearchPlan.Ranking(
                method: .textIndex, scored: nil, found: hits.count, reason: "the backend's full-text index")
        )
    }

    /// No full-text index: the facade reads every node.
    public func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> [ScoredNodeID]? {
        nil
    }

    /// Compares the embeddings of the nodes that match `filter`, fetched a page of 1 000 ids at a
    /// time: a search for any backend that stores embeddings beside its nodes. Pages come from
    /// separate states, so a write between them may be seen by later pages only.
    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    {
        guard let dimension = try await embeddingDimension() else { return [] }
        try Embedding.dimension(of: vector, matches: dimension, "the query vector")
        var top = TopScores(limit: limit)
        var query = filter
        query.limit = 1_000
        query.order = .newestFirst
        var cursor: QueryCursor?
        repeat {
            let page = try MemoryGraph.page(query, cursor: cursor, nodes: await queryNodes(query, after: cursor))
            for (node, embedding) in zip(page.nodes, try await embeddings(of: page.nodes.map(\.id))) {
                guard let embedding, embedding.count == vector.count else { continue }
                top.offer(node.id, score: metric.score(vector, embedding))
            }
            cursor = page.nextCursor
        } while cursor != nil
        return top.best
    }

    /// Modifies by compare-and-set: reads the node, runs `body`, and applies its update with the
    /// version read as the expected one, again from the read while another writer got there
    /// first (``MemoryGraphError/Code/versionConflict``).
    public func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) async throws -> MemoryNode {
        while true {
            guard let node = try await node(id) else { throw MemoryGraphError.missingNode(id) }
            guard let update = try body(node) else { return node }
            let mutation = GraphMutation.updateNode(id, update, expectedVersion: node.version, updatedAt: updatedAt)
            if let updated = try ModifyAttempt.outcome(await apply([mutation])[0], of: node, update) {
                return updated
            }
            await Task.yield()
        }
    }
}

/// What one compare-and-set attempt of a modify gave.
package enum ModifyAttempt {
    /// The node as updated, or `nil` when another writer changed it first (try again).
    ///
    /// - Throws: Every failure but a version conflict.
    package static func outcome(
        _ result: Result<MutationOutcome, MemoryGraphError>, of node: MemoryNode, _ update: NodeUpdate
    ) throws -> MemoryNode? {
        switch result {
        case .success(.updated(let revision)): return node.updated(update, revision: revision)
        case .success(let other):
            throw MemoryGraphError(.storage, "the backend answered an update with another kind of outcome: \(other)")
        case .failure(let error) where error.code == .versionConflict: return nil
        case .failure(let error): throw error
        }
    }
}
