/// The reads of a session: what the graph answers, without the nodes outside the scope and
/// without links to them.
extension AgentSession {
    /// Node `id`, or `nil` when it does not exist or is outside the scope.
    public func node(_ id: NodeID) async throws -> MemoryNode? {
        try await nodes([id])[0]
    }

    /// The nodes `ids`, `nil` for each that does not exist or is outside the scope.
    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] {
        if scope.isAll { return try await graph.nodes(ids) }
        let found = try await graph.nodes(ids).map { node in node.flatMap { scope.includes($0) ? $0 : nil } }
        let shown = try await withoutHiddenLinks(found.compactMap(\.self))
        var next = shown.makeIterator()
        return found.map { node in node == nil ? nil : next.next() }
    }

    /// The nodes of `agentID` (the session's own by default) in `taskContext`, newest first;
    /// empty when they are outside the scope. See ``MemoryGraph/recall(agentID:taskContext:limit:)``.
    public func recall(agentID: String? = nil, taskContext: String, limit: Int? = nil) async throws -> [MemoryNode] {
        let agent = agentID ?? self.agentID
        guard scope.includes(agentID: agent, taskContext: taskContext) else {
            // A bad limit fails the same way in the scope or not.
            try MemoryGraph.check(limit: limit)
            return []
        }
        return try await withoutHiddenLinks(graph.recall(agentID: agent, taskContext: taskContext, limit: limit))
    }

    /// The first page of the nodes inside the scope that match `query`; see ``MemoryGraph/query(_:)``.
    public func query(_ query: MemoryQuery) async throws -> QueryPage {
        guard let narrowed = try await narrowed(query) else { return QueryPage(nodes: [], nextCursor: nil) }
        return try await shown(graph.query(narrowed))
    }

    /// The page after `cursor`; see ``MemoryGraph/query(_:after:)``.
    public func query(_ query: MemoryQuery, after cursor: QueryCursor) async throws -> QueryPage {
        guard let narrowed = try await narrowed(query) else { return QueryPage(nodes: [], nextCursor: nil) }
        return try await shown(graph.query(narrowed, after: cursor))
    }

    /// The nodes inside the scope that best match `request`; see ``MemoryGraph/search(_:)``.
    /// The scope narrows the filter, so the result is the best among the nodes the session
    /// sees, and words are weighed by the statistics of those nodes alone: scores tell nothing
    /// of the nodes outside the scope.
    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        _ = try MemoryGraph.check(request)
        var narrowedRequest = request
        guard let narrowed = try await narrowed(Self.unlimited(request.filter)) else { return [] }
        narrowedRequest.filter = narrowed
        let hits = try await graph.search(narrowedRequest, within: scope)
        let nodes = try await withoutHiddenLinks(hits.map(\.node))
        return zip(hits, nodes).map { SearchHit(node: $1, score: $0.score) }
    }

    /// How ``search(_:)`` runs `request` inside the scope; see ``MemoryGraph/explain(_:)-(SearchRequest)``.
    public func explain(_ request: SearchRequest) async throws -> SearchPlan {
        _ = try MemoryGraph.check(request)
        var narrowedRequest = request
        guard let narrowed = try await narrowed(Self.unlimited(request.filter)) else {
            return SearchPlan(text: nil, vector: nil, fusionDepth: nil, found: 0)
        }
        narrowedRequest.filter = narrowed
        return try await graph.searchExplained(narrowedRequest, within: scope).plan
    }

    /// `filter` with a limit the query checks accept (a search's filter has no limit of its own).
    private static func unlimited(_ filter: MemoryQuery) -> MemoryQuery {
        var filter = filter
        filter.limit = 1
        return filter
    }

    /// How many nodes inside the scope match `query`; see ``MemoryGraph/count(_:)``.
    public func count(_ query: MemoryQuery) async throws -> Int {
        guard let narrowed = try await narrowed(query) else { return 0 }
        return try await graph.count(narrowed)
    }

    /// `query` checked as the graph checks it (so that a bad query fails the same way whatever
    /// it names), then narrowed to the scope; `nil` when nothing inside the scope can match,
    /// which includes a link criterion naming a node outside it.
    func narrowed(_ query: MemoryQuery) async throws -> MemoryQuery? {
        try MemoryGraph.check(query, cursor: nil)
        guard let narrowed = scope.narrowing(query) else { return nil }
        let linked = [query.linkedFrom, query.linkedTo].compactMap(\.self)
        guard try await visible(linked).count == linked.count else { return nil }
        return narrowed
    }

    /// The nodes inside the scope that node `id` links to; empty when `id` is outside it.
    public func links(from id: NodeID) async throws -> [NodeID] {
        if scope.isAll { return try await graph.links(from: id) }
        guard try await node(id) != nil else { return [] }
        return try await visible(graph.links(from: id))
    }

    /// The nodes inside the scope that link to node `id`; empty when `id` is outside it.
    public func backlinks(to id: NodeID) async throws -> [NodeID] {
        if scope.isAll { return try await graph.backlinks(to: id) }
        guard try await node(id) != nil else { return [] }
        return try await visible(graph.backlinks(to: id))
    }

    /// Breadth-first from `id` over the nodes inside the scope only, in the graph's order (level
    /// by level, each node's out-links, then for ``LinkDirection/both`` its backlinks, in id
    /// order); see ``MemoryGraph/neighbors(of:direction:depth:limit:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when `id` is absent or outside the scope.
    public func neighbors(
        of id: NodeID, direction: LinkDirection = .outgoing, depth: Int = 1, limit: Int = 1000
    ) async throws -> [Neighbor] {
        if scope.isAll { return try await graph.neighbors(of: id, direction: direction, depth: depth, limit: limit) }
        try MemoryGraph.check(depth: depth, limit: limit)
        try await requireVisible([id])
        var seen: Set<NodeID> = [id]
        var found: [Neighbor] = []
        var frontier = [id]
        var level = 0
        while level < depth, !frontier.isEmpty, found.count < limit {
            level += 1
            var adjacent: [NodeID] = []
            for node in frontier {
                if direction != .incoming { adjacent += try await graph.links(from: node) }
                if direction != .outgoing { adjacent += try await graph.backlinks(to: node) }
            }
            // One read tells which of the level's candidates are inside the scope.
            let shown = Set(try await visible(Array(Set(adjacent).subtracting(seen))))
            var next: [NodeID] = []
            for neighbor in adjacent where shown.contains(neighbor) && seen.insert(neighbor).inserted {
                found.append(Neighbor(id: neighbor, depth: level))
                if found.count == limit { return found }
                next.append(neighbor)
            }
            frontier = next
        }
        return found
    }

    /// Bundle `id` as the session sees it (see ``shown(_:)``), `nil` when it does not exist or
    /// shows nothing inside the scope; see ``MemoryGraph/bundle(_:)``.
    public func bundle(_ id: BundleID) async throws -> MemoryBundle? {
        guard let bundle = try await graph.bundle(id) else { return nil }
        return try await shown(bundle)
    }

    /// The bundles of a task that the session sees, each as it sees it; see
    /// ``MemoryGraph/bundles(forTask:)``.
    public func bundles(forTask taskID: String) async throws -> [MemoryBundle] {
        var shown: [MemoryBundle] = []
        for bundle in try await graph.bundles(forTask: taskID) {
            if let bundle = try await self.shown(bundle) { shown.append(bundle) }
        }
        return shown
    }

    /// The versions of a node inside the scope, newest first; empty for one outside it. See
    /// ``MemoryGraph/history(of:)``.
    public func history(of id: NodeID) async throws -> [MemoryNode] {
        // A node's agent and context never change, so its newest version tells.
        let versions = try await graph.history(of: id)
        guard let newest = versions.first, scope.includes(newest) else { return [] }
        return try await withoutHiddenLinks(versions)
    }

    /// The changes after `sequence` of the nodes inside the scope (a link's, when both of its
    /// nodes are inside it now); see ``MemoryGraph/changePage(after:matching:limit:)``.
    ///
    /// Bundle changes name no agent or context, so a session whose scope narrows either does
    /// not see them.
    public func changePage(after sequence: UInt64 = 0, matching filter: ChangeFilter = .all, limit: Int = 1000)
        async throws -> ChangePage
    {
        var page = try await graph.changePage(after: sequence, matching: scope.narrowing(filter), limit: limit)
        var kept: [GraphChange] = []
        for change in page.changes where try await isVisible(change) { kept.append(change) }
        page.changes = kept
        return page
    }

    /// The changes after `sequence` inside the scope, then, with `follow`, those committed
    /// later; see ``MemoryGraph/changes(after:matching:follow:)`` and ``changePage(after:matching:limit:)``.
    public func changes(after sequence: UInt64 = 0, matching filter: ChangeFilter = .all, follow: Bool = true)
        -> AsyncThrowingCompactMapSequence<ChangeFeed, GraphChange>
    {
        graph.changes(after: sequence, matching: scope.narrowing(filter), follow: follow).compactMap { change in
            try await self.isVisible(change) ? change : nil
        }
    }

    // MARK: Hiding

    /// Whether `change` (which passed the scope's filter) shows nothing outside the scope: a
    /// link change only when its target is inside it.
    private func isVisible(_ change: GraphChange) async throws -> Bool {
        guard let target = change.targetID, !scope.isAll else { return true }
        return try await !visible([target]).isEmpty
    }

    /// Those of `ids` that exist inside the scope, in order.
    func visible(_ ids: [NodeID]) async throws -> [NodeID] {
        guard !ids.isEmpty else { return [] }
        let nodes = try await graph.nodes(ids)
        return zip(ids, nodes).compactMap { id, node in node.map(scope.includes) == true ? id : nil }
    }

    /// `nodes` without their links to nodes outside the scope.
    func withoutHiddenLinks(_ nodes: [MemoryNode]) async throws -> [MemoryNode] {
        guard !scope.isAll else { return nodes }
        let targets = Array(Set(nodes.flatMap(\.links)))
        let shown = Set(try await visible(targets))
        return nodes.map { node in
            var node = node
            node.links.removeAll { !shown.contains($0) }
            return node
        }
    }

    private func shown(_ page: QueryPage) async throws -> QueryPage {
        QueryPage(nodes: try await withoutHiddenLinks(page.nodes), nextCursor: page.nextCursor)
    }

    /// `bundle` as the session sees it: only its nodes, agents and contexts inside the scope;
    /// `nil` when none of its nodes is inside it and it is not for the session's agent.
    func shown(_ bundle: MemoryBundle) async throws -> MemoryBundle? {
        guard !scope.isAll else { return bundle }
        var bundle = bundle
        bundle.nodeIDs = try await visible(bundle.nodeIDs)
        guard !bundle.nodeIDs.isEmpty || bundle.agentIDs.contains(agentID) else { return nil }
        if let agents = scope.agentIDs { bundle.agentIDs.removeAll { !agents.contains($0) } }
        if let contexts = scope.contexts { bundle.contexts.removeAll { !contexts.contains($0) } }
        return bundle
    }
}
