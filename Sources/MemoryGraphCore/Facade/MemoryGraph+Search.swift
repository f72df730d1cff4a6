extension MemoryGraph {
    /// The nodes whose words best match `request.text`, best first, among the nodes that match
    /// `request.filter`: ranked by ``BM25`` over the words of every node (see ``TextAnalyzer``
    /// and ``MemoryNode/searchTerms(metadataPaths:)``), ties by node id, newest first.
    ///
    /// The filter applies inside the search: the result is the best ``SearchRequest/limit``
    /// nodes among those that match it, however few they are. The statistics BM25 weighs words
    /// by are those of every node the search can see (an agent session's: the nodes inside its
    /// scope).
    ///
    /// Backends search by reading every node, in two passes (the nodes, then the filter's
    /// matches), so a search takes time in proportion to the graph, and a write between the
    /// passes may be seen by one only.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for a text without words, or longer
    ///   than ``SearchRequest/maximumTextLength`` bytes or ``SearchRequest/maximumTerms`` words, a
    ///   limit outside 1…``SearchRequest/maximumLimit``, or a filter the query methods refuse.
    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        try await search(request, within: .all)
    }

    /// ``search(_:)`` as the nodes inside `scope` alone would answer it: the statistics too are
    /// those of the nodes inside the scope, so that scores say nothing of the others.
    func search(_ request: SearchRequest, within scope: ReadScope) async throws -> [SearchHit] {
        let terms = try Self.check(request)
        let metadataPaths = configuration.searchableMetadataPaths
        return try await reading("search", isQuery: true) { store in
            try await Self.scanningSearch(
                request, terms: terms, on: store, within: scope, metadataPaths: metadataPaths)
        }
    }

    /// The request's terms, once it is checked.
    static func check(_ request: SearchRequest) throws -> [SearchTerm] {
        guard (1...SearchRequest.maximumLimit).contains(request.limit) else {
            throw MemoryGraphError(
                .invalidArgument, "limit must be from 1 to \(SearchRequest.maximumLimit), got \(request.limit)")
        }
        var filter = request.filter
        filter.limit = 1
        try check(filter, cursor: nil)
        guard request.text.utf8.count <= SearchRequest.maximumTextLength else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text is \(request.text.utf8.count) bytes long; at most \(SearchRequest.maximumTextLength) "
                    + "are searched")
        }
        let terms = SearchTerm.parse(request.text)
        guard !terms.isEmpty else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text \"\(request.text.prefix(80))\" has no words to search for; give at least one word")
        }
        guard terms.count <= SearchRequest.maximumTerms else {
            throw MemoryGraphError(
                .invalidArgument,
                "the search text holds \(terms.count) different words; give at most \(SearchRequest.maximumTerms)")
        }
        return terms
    }

    /// A search by reading every node of `store`: its words into a ``SearchCorpus``, then the
    /// ids that match the filter, then the best of those ranked.
    static func scanningSearch(
        _ request: SearchRequest, terms: [SearchTerm], on store: any GraphStore, within scope: ReadScope,
        metadataPaths: [String]
    ) async throws -> [SearchHit] {
        var corpus = SearchCorpus()
        var everything = MemoryQuery()
        everything.agentIDs = scope.agentIDs
        everything.contexts = scope.contexts
        try await forEachNode(matching: everything, on: store) { node in
            corpus.set(node.id, terms: node.searchTerms(metadataPaths: metadataPaths))
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
        let nodes = try await store.nodes(ranked.map(\.id))
        return zip(ranked, nodes).compactMap { hit, node in node.map { SearchHit(node: $0, score: hit.score) } }
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
