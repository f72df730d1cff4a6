extension MemoryGraph {
    /// The nodes that best match `request`, best first, among the nodes that match
    /// `request.filter`:
    ///
    /// - with ``SearchRequest/text`` alone, ranked by ``BM25`` over the words of every node (see
    ///   ``TextAnalyzer`` and ``MemoryNode/searchTerms(metadataPaths:)``);
    /// - with ``SearchRequest/nearest`` alone, by ``SearchRequest/metric`` between the vector and
    ///   each node's ``NodeDraft/embedding`` (nodes without one are not found): exact, every
    ///   embedding that passes the filter compared, unless the store keeps an approximate vector
    ///   index by that metric (the embedded backend's `LMDBConfiguration.vectorIndex`), which a
    ///   search walks when the filter matches many nodes, checking the filter on each node it
    ///   meets (``explain(_:)-(SearchRequest)`` tells which way a search went);
    /// - with both, by the two rankings fused (``SearchFusion``).
    ///
    /// Ties go to the greater node id (the newer node). The filter applies inside the search: the
    /// result is the best ``SearchRequest/limit`` nodes among those that match it, however few
    /// they are. The statistics BM25 weighs words by are those of every node the search can see
    /// (an agent session's: the nodes inside its scope).
    ///
    /// The embedded backend searches words through its full-text index (see ``BM25``); other
    /// backends, and agent sessions whose scope is not every node, read every node, in two passes
    /// (the nodes, then the filter's matches), so such a search takes time in proportion to the
    /// graph, and a write between the passes may be seen by one only.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for a request with neither text nor
    ///   vector, a text without words, or longer than ``SearchRequest/maximumTextLength`` bytes or
    ///   ``SearchRequest/maximumTerms`` words, a vector that is empty, longer than
    ///   ``Embedding/maximumDimension``, of another dimension than the store's embeddings, with a
    ///   component that is not finite, or of length 0 for ``VectorMetric/cosine``; a limit
    ///   outside 1…``SearchRequest/maximumLimit``, or a filter the query methods refuse.
    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        try await search(request, within: .all)
    }

    /// How ``search(_:)`` runs `request`: it runs the search and tells, for each ranking, which
    /// way it was found (a full-text index, a scan, the approximate vector index or an exact
    /// comparison), how many nodes it scored, and why.
    ///
    /// - Throws: what ``search(_:)`` throws.
    public func explain(_ request: SearchRequest) async throws -> SearchPlan {
        try await searchExplained(request, within: .all).plan
    }

    /// ``search(_:)`` as the nodes inside `scope` alone would answer it: the statistics too are
    /// those of the nodes inside the scope, so that scores say nothing of the others.
    func search(_ request: SearchRequest, within scope: ReadScope) async throws -> [SearchHit] {
        try await searchExplained(request, within: scope).hits
    }

    /// ``search(_:within:)`` with how it ran.
    func searchExplained(_ request: SearchRequest, within scope: ReadScope) async throws
        -> (hits: [SearchHit], plan: SearchPlan)
    {
        let terms = try Self.check(request)
        let metadataPaths = configuration.searchableMetadataPaths
        return try await reading("search", isQuery: true) { store in
            switch (terms, request.nearest) {
            case (let terms?, nil):
                let (hits, ranking) = try await Self.textSearch(
                    request, terms: terms, on: store, within: scope, metadataPaths: metadataPaths)
                return (hits, SearchPlan(text: ranking, vector: nil, fusionDepth: nil, found: hits.count))
            case (nil, let vector?):
                let (scored, ranking) = try await store.explainNearestNodes(
                    to: vector, metric: request.metric, matching: request.filter, limit: request.limit)
                let hits = try await Self.hits(scored, on: store)
                return (hits, SearchPlan(text: nil, vector: ranking, fusionDepth: nil, found: hits.count))
            case (let terms?, let vector?):
                var deeper = request
                deeper.limit = SearchFusion.depth(limit: request.limit)
                let (byText, textRanking) = try await Self.textSearch(
                    deeper, terms: terms, on: store, within: scope, metadataPaths: metadataPaths)
                let (byVector, vectorRanking) = try await store.explainNearestNodes(
                    to: vector, metric: request.metric, matching: request.filter, limit: deeper.limit)
                let fused = SearchFusion.fuse([byText.map(\.node.id), byVector.map(\.id)], limit: request.limit)
                let known = Dictionary(byText.map { ($0.node.id, $0.node) }, uniquingKeysWith: { first, _ in first })
                let missing = fused.map(\.id).filter { known[$0] == nil }
                var nodes = known
                for case let node? in try await store.nodes(missing) { nodes[node.id] = node }
                let hits = fused.compactMap { hit in nodes[hit.id].map { SearchHit(node: $0, score: hit.score) } }
                return (
                    hits,
                    SearchPlan(text: textRanking, vector: vectorRanking, fusionDepth: deeper.limit, found: hits.count)
                )
            case (nil, nil):
                return ([], SearchPlan(text: nil, vector: nil, fusionDepth: nil, found: 0))
            }
        }
    }

    /// The nodes of `scored`, in its order, each with its score; those removed since are left out.
    private static func hits(_ scored: [ScoredNodeID], on store: any GraphStore) async throws -> [SearchHit] {
        let nodes = try await store.nodes(scored.map(\.id))
        return zip(scored, nodes).compactMap { hit, node in node.map { SearchHit(node: $0, score: hit.score) } }
    }

    /// The request's terms, once it is checked; `nil` for a search by vector alone.
    static func check(_ request: SearchRequest) throws -> [SearchTerm]? {
        guard (1...SearchRequest.maximumLimit).contains(request.limit) else {
            throw MemoryGraphError(
                .invalidArgument, "limit must be from 1 to \(SearchRequest.maximumLimit), got \(request.limit)")
        }
        var filter = request.filter
        filter.limit = 1
        try check(filter, cursor: nil)
        guard request.text != nil || request.nearest != nil else {
            throw MemoryGraphError(
                .invalidArgument, "the search has neither text nor a vector; give words to find, a vector, or both")
        }
        if let vector = request.nearest {
            try Embedding.check(vector, "the query vector")
            if request.metric == .cosine, !vector.contains(where: { $0 != 0 }) {
                throw MemoryGraphError(
                    .invalidArgument,
                    "the query vector has length 0, so it has no direction to compare by cosine; give another vector "
                        + "or the metric dot or euclidean")
            }
        }
        guard let text = request.text else { return nil }
        guard text.utf8.count <= SearchRequest.maximumTextLength else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text is \(text.utf8.count) bytes long; at most \(SearchRequest.maximumTextLength) "
                    + "are searched")
        }
        let terms = SearchTerm.parse(text)
        guard !terms.isEmpty else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text \"\(text.prefix(80))\" has no words to search for; give at least one word")
        }
        guard terms.count <= SearchRequest.maximumTerms else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text holds \(terms.count) different words; give at most \(SearchRequest.maximumTerms)")
        }
        return terms
    }

    /// A search by words: through the backend's full-text index when it has one and the scope is
    /// every node, otherwise by reading every node.
    static func textSearch(
        _ request: SearchRequest, terms: [SearchTerm], on store: any GraphStore, within scope: ReadScope,
        metadataPaths: [String]
    ) async throws -> (hits: [SearchHit], ranking: SearchPlan.Ranking) {
        let everyNode = scope.agentIDs == nil && scope.contexts == nil
        if everyNode,
            let (ranked, ranking) = try await store.explainSearchText(
                terms, matching: request.matching, filter: request.filter, limit: request.limit,
                metadataPaths: metadataPaths)
        {
            return (try await hits(ranked, on: store), ranking)
        }
        let (hits, read) = try await scanningSearch(
            request, terms: terms, on: store, within: scope, metadataPaths: metadataPaths)
        let reason =
            everyNode
            ? "the backend has no full-text index for these metadata paths"
            : "the session's scope is narrower than the graph, so the statistics are those of its own nodes"
        return (hits, SearchPlan.Ranking(method: .textScan, scored: read, found: hits.count, reason: reason))
    }

    /// A search by reading every node of `store`: its words into a ``SearchCorpus``, then the
    /// ids that match the filter, then the best of those ranked.
    static func scanningSearch(
        _ request: SearchRequest, terms: [SearchTerm], on store: any GraphStore, within scope: ReadScope,
        metadataPaths: [String]
    ) async throws -> (hits: [SearchHit], read: Int) {
        var corpus = SearchCorpus()
        var read = 0
        var everything = MemoryQuery()
        everything.agentIDs = scope.agentIDs
        everything.contexts = scope.contexts
        try await forEachNode(matching: everything, on: store) { node in
            corpus.set(node.id, terms: node.searchTerms(metadataPaths: metadataPaths))
            read += 1
        }
        var candidates: Set<NodeID>?
        if !request.filter.isUnconstrained {
            var matching = Set<NodeID>()
            try await forEachNode(matching: request.filter, on: store) { matching.insert($0.id) }
            candidates = matching
        }
        let ranked = corpus.rank(terms, matching: request.matching, limit: request.limit) { id in
            candidates?.contains(id) ?? true
        }
        return (try await hits(ranked.map { ScoredNodeID(id: $0.id, score: $0.score) }, on: store), read)
    }

    /// Calls `visit` with every node that matches `query`'s criteria, a page of 1 000 at a time.
    private static func forEachNode(
        matching query: MemoryQuery, on store: any GraphStore, _ visit: (MemoryNode) throws -> Void
    ) async throws {
        var query = query
        query.limit = 1_000
        query.order = .newestFirst
        var cursor: QueryCursor?
        repeat {
            let page = try page(query, cursor: cursor, nodes: await store.queryNodes(query, after: cursor))
            try page.nodes.forEach(visit)
            cursor = page.nextCursor
        } while cursor != nil
    }
}
