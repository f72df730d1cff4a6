extension MemoryGraph {
    /// The first page of nodes matching `query`, in its order; see ``MemoryQuery``.
    ///
    /// Every index is read from one snapshot, so a page never shows half of a concurrent write.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for a limit below 1 or a bound that is
    ///   not a finite number.
    public func query(_ query: MemoryQuery) throws -> QueryPage {
        try page(query, after: nil)
    }

    /// The page of `query` that follows the one `cursor` came from.
    ///
    /// Nodes added after the first page do not disturb the walk: no node comes twice and no
    /// node older than the cursor (newer, for ``MemoryQuery/Order/oldestFirst``) is skipped.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidCursor`` when `cursor` was made by a different query.
    public func query(_ query: MemoryQuery, after cursor: QueryCursor) throws -> QueryPage {
        try page(query, after: cursor)
    }

    /// The ids of the first page of `query` (up to ``MemoryQuery/limit``), without decoding records.
    public func queryIDs(_ query: MemoryQuery) throws -> [NodeID] {
        try check(query)
        return try read(isQuery: true) { store in
            try store.run(ResolvedQuery(query, after: nil, store: store), limit: query.limit).postings.map(\.id)
        }
    }

    /// How many nodes match `query` (its limit does not apply).
    public func count(_ query: MemoryQuery) throws -> Int {
        try check(query)
        return try read(isQuery: true) { store in
            let resolved = try ResolvedQuery(query, after: nil, store: store)
            if resolved.matchesNothing { return 0 }
            if query.isUnconstrained { return try store.txn.statistics(of: schema.nodes).entries }
            if resolved.window.lower == nil, resolved.window.upper == nil {
                // A list path that answers every criterion: its posting lists are disjoint and counted exactly.
                let paths = try store.accessPaths(for: resolved)
                if let exact = paths.first(where: { !$0.keys.isEmpty && $0.covers == resolved.criteria }) {
                    return exact.estimate
                }
            }
            return try store.run(resolved, limit: .max).postings.count
        }
    }

    /// How `query` is answered: the access path chosen, every estimate considered, the steps,
    /// and the figures of running its first page.
    public func explain(_ query: MemoryQuery) throws -> QueryPlan {
        try check(query)
        return try read { store in
            let run = try store.run(ResolvedQuery(query, after: nil, store: store), limit: query.limit + 1)
            var plan = run.plan
            plan.returned = min(run.postings.count, query.limit)
            return plan
        }
    }

    private func check(_ query: MemoryQuery) throws {
        guard query.limit > 0, query.limit < Int.max else {
            throw MemoryGraphError(.invalidArgument, "limit must be at least 1, got \(query.limit)")
        }
        for (name, bound) in [("minConfidence", query.minConfidence), ("maxConfidence", query.maxConfidence)] {
            if let bound, !bound.isFinite {
                throw MemoryGraphError(.invalidArgument, "\(name) must be a finite number, got \(bound)")
            }
        }
    }

    private func page(_ query: MemoryQuery, after cursor: QueryCursor?) throws -> QueryPage {
        try check(query)
        if let cursor, cursor.fingerprint != query.fingerprint {
            throw MemoryGraphError(
                .invalidCursor, "the cursor belongs to a different query; pass the query that returned it")
        }
        return try read(operation: "query", isQuery: true) { store in
            let resolved = try ResolvedQuery(query, after: cursor?.last, store: store)
            let run = try store.run(resolved, limit: query.limit + 1)
            let postings = run.postings.prefix(query.limit)
            let nodes = try zip(postings, store.nodes(postings.map(\.id))).map { posting, node in
                guard let node else {
                    throw MemoryGraphError(
                        .corruption,
                        "an index names node \(posting.id), which does not exist; run `memory-graph verify`")
                }
                return node
            }
            let next =
                run.postings.count > query.limit
                ? postings.last.map {
                    // A cursor passed in was checked to carry this query's fingerprint.
                    QueryCursor(last: $0, fingerprint: cursor?.fingerprint ?? query.fingerprint)
                } : nil
            return QueryPage(nodes: nodes, nextCursor: next)
        }
    }
}
