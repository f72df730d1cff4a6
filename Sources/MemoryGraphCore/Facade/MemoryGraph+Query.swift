extension MemoryGraph {
    /// The first page of nodes matching `query`, in its order; see ``MemoryQuery``.
    ///
    /// Every index is read from one snapshot, so a page never shows half of a concurrent write.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for a limit below 1 or a bound that is
    ///   not a finite number.
    public func query(_ query: MemoryQuery) throws -> QueryPage {
        try Self.check(query, cursor: nil)
        return try reading("query", isQuery: true) {
            try Self.page(query, cursor: nil, nodes: $0.queryNodes(query, after: nil))
        }
    }

    /// The page of `query` that follows the one `cursor` came from.
    ///
    /// Nodes added after the first page do not disturb the walk: no node comes twice and no
    /// node older than the cursor (newer, for ``MemoryQuery/Order/oldestFirst``) is skipped.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidCursor`` when `cursor` was made by a different query.
    public func query(_ query: MemoryQuery, after cursor: QueryCursor) throws -> QueryPage {
        try Self.check(query, cursor: cursor)
        return try reading("query", isQuery: true) {
            try Self.page(query, cursor: cursor, nodes: $0.queryNodes(query, after: cursor))
        }
    }

    /// The ids of the first page of `query` (up to ``MemoryQuery/limit``), without decoding records.
    public func queryIDs(_ query: MemoryQuery) throws -> [NodeID] {
        try Self.check(query, cursor: nil)
        return try reading(isQuery: true) { try $0.queryIDs(query) }
    }

    /// How many nodes match `query` (its limit does not apply).
    public func count(_ query: MemoryQuery) throws -> Int {
        try Self.check(query, cursor: nil)
        return try reading(isQuery: true) { try $0.count(query) }
    }

    /// How `query` is answered: the access path chosen, every estimate considered, the steps,
    /// and the figures of running its first page.
    public func explain(_ query: MemoryQuery) throws -> QueryPlan {
        try Self.check(query, cursor: nil)
        return try reading { try $0.explain(query) }
    }

    /// Checks a query's limit and bounds, and that `cursor` belongs to it.
    static func check(_ query: MemoryQuery, cursor: QueryCursor?) throws {
        guard query.limit > 0, query.limit < Int.max else {
            throw MemoryGraphError(.invalidArgument, "limit must be at least 1, got \(query.limit)")
        }
        for (name, bound) in [("minConfidence", query.minConfidence), ("maxConfidence", query.maxConfidence)] {
            if let bound, !bound.isFinite {
                throw MemoryGraphError(.invalidArgument, "\(name) must be a finite number, got \(bound)")
            }
        }
        if let cursor, cursor.fingerprint != query.fingerprint {
            throw MemoryGraphError(
                .invalidCursor, "the cursor belongs to a different query; pass the query that returned it")
        }
    }

    /// The page of `query` from the backend's up to `limit + 1` nodes: the extra one means that
    /// a next page exists, and the cursor points at the last node of this one.
    static func page(_ query: MemoryQuery, cursor: QueryCursor?, nodes: [MemoryNode]) throws -> QueryPage {
        guard nodes.count > query.limit else { return QueryPage(nodes: nodes, nextCursor: nil) }
        let shown = Array(nodes.prefix(query.limit))
        guard let last = shown.last, let time = Microseconds(last.timestamp) else {
            throw MemoryGraphError(.storage, "the backend returned a node outside the stored time range")
        }
        let next = QueryCursor(
            last: Posting(timestamp: time, id: last.id), fingerprint: cursor?.fingerprint ?? query.fingerprint)
        return QueryPage(nodes: shown, nextCursor: next)
    }
}
