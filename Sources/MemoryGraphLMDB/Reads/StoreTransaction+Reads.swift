import LMDB
import MemoryGraphCore

/// The reads of the ``GraphStore`` protocol, each in one snapshot.
extension StoreTransaction {
    /// The nodes of `agentID` in `taskContext`, newest first (ties by id), at most `limit`.
    func recall(agentID: String, taskContext: String, limit: Int?) throws -> [MemoryNode] {
        guard let agent = try interner.id(of: agentID, kind: .agent, in: txn),
            let context = try interner.id(of: taskContext, kind: .context, in: txn)
        else { return [] }
        let ids = try newestFirst(IndexKey.agentContext(agent, context), in: schema.byAgentContext, limit: limit)
        return try existing(ids, index: "idx.agent_context")
    }

    /// The nodes `ids`, each of which an index named: a missing one is damage.
    func existing(_ ids: [NodeID], index: String) throws -> [MemoryNode] {
        try zip(ids, nodes(ids)).map { id, node in
            guard let node else {
                throw MemoryGraphError(
                    .corruption, "\(index) names node \(id), which does not exist; run `memory-graph verify`")
            }
            return node
        }
    }

    /// Counts of nodes, agents, contexts, types, links and bundles.
    ///
    /// Expired nodes not swept yet are left out of the node and link counts; the distinct
    /// agents, contexts and types drop them at the sweep.
    func statistics() throws -> GraphStatistics {
        let (hiddenNodes, hiddenLinks) = try hiddenCounts()
        return GraphStatistics(
            nodes: try txn.statistics(of: schema.nodes).entries - hiddenNodes,
            agents: try counter(MetaKey.agentCount),
            contexts: try counter(MetaKey.contextCount),
            types: try counter(MetaKey.typeCount),
            links: try txn.statistics(of: schema.linksOut).entries - hiddenLinks,
            bundles: try txn.statistics(of: schema.bundles).entries)
    }

    /// How many expired nodes not swept yet this read leaves out, and their links both ways.
    private func hiddenCounts() throws -> (nodes: Int, links: Int) {
        let hidden = try hidden()
        guard !hidden.isEmpty else { return (0, 0) }
        var links = Set<[NodeID]>()
        for id in hidden {
            for target in try idList(id, in: schema.linksOut) as [NodeID] { links.insert([id, target]) }
            for source in try idList(id, in: schema.linksIn) as [NodeID] { links.insert([source, id]) }
        }
        return (hidden.count, links.count)
    }

    /// Up to `query.limit + 1` nodes of `query` after `cursor`.
    func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) throws -> [MemoryNode] {
        let resolved = try ResolvedQuery(query, after: cursor?.last, store: self)
        let run = try run(resolved, limit: query.limit + 1)
        return try existing(run.postings.map(\.id), index: "an index")
    }

    /// The ids of the first page of `query`, without decoding records.
    func queryIDs(_ query: MemoryQuery) throws -> [NodeID] {
        try run(ResolvedQuery(query, after: nil, store: self), limit: query.limit).postings.map(\.id)
    }

    /// How many nodes match `query`.
    func count(_ query: MemoryQuery) throws -> Int {
        let resolved = try ResolvedQuery(query, after: nil, store: self)
        if resolved.matchesNothing { return 0 }
        // While expired nodes wait for the sweep, only the walk leaves them out.
        if !resolved.excluded.isEmpty { return try run(resolved, limit: .max).postings.count }
        if query.isUnconstrained { return try txn.statistics(of: schema.nodes).entries }
        if resolved.window.lower == nil, resolved.window.upper == nil {
            // A list path that answers every criterion: its posting lists are disjoint and counted exactly.
            let paths = try accessPaths(for: resolved)
            if let exact = paths.first(where: { !$0.keys.isEmpty && $0.covers == resolved.criteria }) {
                return exact.estimate
            }
        }
        return try run(resolved, limit: .max).postings.count
    }

    /// The plan of `query` with the figures of running its first page.
    func explain(_ query: MemoryQuery) throws -> QueryPlan {
        let run = try run(ResolvedQuery(query, after: nil, store: self), limit: query.limit + 1)
        var plan = run.plan
        plan.returned = min(run.postings.count, query.limit)
        return plan
    }

    /// The nodes within `depth` links of `id`, breadth-first; see
    /// ``MemoryGraph/neighbors(of:direction:depth:limit:)``.
    func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) throws -> [Neighbor] {
        guard try nodeExists(id) else {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
        }
        // One cursor per direction for the whole walk, and each list read in place rather than
        // copied into arrays.
        var cursors: [Cursor] = []
        if direction != .incoming { cursors.append(try txn.cursor(schema.linksOut)) }
        if direction != .outgoing { cursors.append(try txn.cursor(schema.linksIn)) }
        defer { for cursor in cursors { cursor.close() } }
        let hidden = try self.hidden()
        var seen: Set<NodeID> = [id]
        var found: [Neighbor] = []
        var frontier: [NodeID] = [id]
        var level = 0
        while level < depth, !frontier.isEmpty, found.count < limit {
            level += 1
            var next: [NodeID] = []
            for node in frontier {
                for cursor in cursors {
                    try forEachID(under: node, with: cursor) { neighbor in
                        guard !hidden.contains(neighbor), seen.insert(neighbor).inserted else { return true }
                        found.append(Neighbor(id: neighbor, depth: level))
                        next.append(neighbor)
                        return found.count < limit
                    }
                    if found.count == limit { return found }
                }
            }
            frontier = next
        }
        return found
    }

    /// The bundles of `taskID`, newest first.
    func bundles(forTask taskID: String, limit: Int?) throws -> [MemoryBundle] {
        guard let task = try interner.id(of: taskID, kind: .task, in: txn) else { return [] }
        return try bundles(IndexKey.id(task), in: schema.bundlesByTask, limit: limit)
    }

    /// The bundles that list `context`, newest first.
    func bundles(forContext context: String) throws -> [MemoryBundle] {
        guard let contextID = try interner.id(of: context, kind: .context, in: txn) else { return [] }
        return try bundles(IndexKey.id(contextID), in: schema.bundlesByContext)
    }

    /// The summary, then every node and every bundle in id order, to `visit`.
    func export(_ visit: (ExportedRecord) throws -> Void) throws {
        let createdAt = try txn.withValue(forKey: MetaKey.createdAt, in: schema.meta) { bytes in
            bytes.map { $0.count == 8 ? Microseconds(sortable: $0.bigEndianUInt64(at: 0)) : Microseconds(0) }
        }
        let (hiddenNodes, hiddenLinks) = try hiddenCounts()
        try visit(
            .summary(
                StoreSummary(
                    createdAt: (createdAt ?? Microseconds(0)).date,
                    nodes: try txn.statistics(of: schema.nodes).entries - hiddenNodes,
                    bundles: try txn.statistics(of: schema.bundles).entries,
                    links: try txn.statistics(of: schema.linksOut).entries - hiddenLinks)))
        for (database, isNode) in [(schema.nodes, true), (schema.bundles, false)] {
            var failure: (any Error)?
            try txn.scan(database) { key, _ in
                guard key.count == 16 else {
                    failure = MemoryGraphError(.corruption, "a key of \(database) is not 16 bytes; run verify")
                    return false
                }
                do {
                    if isNode {
                        let id = NodeID(key, at: 0)
                        if let node = try node(id) { try visit(.node(node, embedding: try embedding(of: id))) }
                    } else {
                        if let bundle = try bundle(BundleID(key, at: 0)) { try visit(.bundle(bundle)) }
                    }
                } catch {
                    failure = error
                    return false
                }
                return true
            }
            if let failure { throw failure }
        }
    }
}
