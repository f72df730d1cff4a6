public import MemoryGraphCore

/// The reads: each takes the state of one moment and answers from it by brute force; each
/// throws ``MemoryGraphError/Code/closed`` once the store is closed.
extension InMemoryGraphStore {
    /// The node `id` with its out-links in id order, or `nil`.
    public func node(_ id: NodeID) throws -> MemoryNode? {
        try snapshot().node(id)
    }

    /// The nodes `ids` from one moment, `nil` for each that does not exist.
    public func nodes(_ ids: [NodeID]) throws -> [MemoryNode?] {
        let state = try snapshot()
        return ids.map { state.node($0) }
    }

    /// The nodes of `agentID` in `taskContext`, newest first by `(timestamp, id)`.
    public func recall(agentID: String, taskContext: String, limit: Int?) throws -> [MemoryNode] {
        let state = try snapshot()
        let matching = state.nodes.values.filter { $0.node.agentID == agentID && $0.node.taskContext == taskContext }
        return matching.sorted { $1.posting.precedes($0.posting) }.prefix(max(0, limit ?? .max)).compactMap {
            state.node($0.posting.id)
        }
    }

    /// The nodes `id` links to, in id order; empty when `id` does not exist.
    public func links(from id: NodeID) throws -> [NodeID] {
        try snapshot().links(from: id)
    }

    /// The nodes that link to `id`, in id order.
    public func backlinks(to id: NodeID) throws -> [NodeID] {
        try snapshot().backlinks(to: id)
    }

    /// Breadth-first from `id`: level by level, each node's out-links (then, for
    /// ``LinkDirection/both``, its backlinks) in id order, each node once at its first depth.
    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) throws -> [Neighbor] {
        let state = try snapshot()
        guard state.nodes[id] != nil else {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
        }
        // Every node's backlinks at once, each list in id order.
        var incoming: [NodeID: [NodeID]] = [:]
        if direction != .outgoing {
            for source in state.links.keys.sorted(by: { $0.precedes($1) }) {
                for target in state.links[source] ?? [] { incoming[target, default: []].append(source) }
            }
        }
        var seen: Set<NodeID> = [id]
        var found: [Neighbor] = []
        var frontier = [id]
        var level = 0
        while level < depth, !frontier.isEmpty, found.count < limit {
            level += 1
            var next: [NodeID] = []
            for node in frontier {
                var adjacent: [NodeID] = []
                if direction != .incoming { adjacent += state.links(from: node) }
                if direction != .outgoing { adjacent += incoming[node] ?? [] }
                for neighbor in adjacent where seen.insert(neighbor).inserted {
                    found.append(Neighbor(id: neighbor, depth: level))
                    if found.count == limit { return found }
                    next.append(neighbor)
                }
            }
            frontier = next
        }
        return found
    }

    /// The bundle `id`, or `nil`.
    public func bundle(_ id: BundleID) throws -> MemoryBundle? {
        try snapshot().bundles[id]
    }

    /// The bundles of `taskID`, newest first by `(createdAt, id)`.
    public func bundles(forTask taskID: String, limit: Int?) throws -> [MemoryBundle] {
        let bundles = try snapshot().newestFirst { $0.taskID == taskID }
        return Array(bundles.prefix(max(0, limit ?? .max)))
    }

    /// The bundles that list `context`, newest first by `(createdAt, id)`.
    public func bundles(forContext context: String) throws -> [MemoryBundle] {
        try snapshot().newestFirst { $0.contexts.contains(context) }
    }

    /// Nodes, links and bundles counted, and the distinct agents, contexts and types of the
    /// nodes stored now (a name no node carries any more is not counted).
    public func statistics() throws -> GraphStatistics {
        let state = try snapshot()
        let nodes = state.nodes.values
        return GraphStatistics(
            nodes: nodes.count, agents: Set(nodes.map(\.node.agentID)).count,
            contexts: Set(nodes.map(\.node.taskContext)).count, types: Set(nodes.compactMap(\.type)).count,
            links: state.linkCount, bundles: state.bundles.count)
    }

    /// The dimension fixed by the first embedding stored.
    public func embeddingDimension() throws -> Int? {
        try snapshot().embeddingDimension
    }

    /// The embeddings of nodes `ids` from one moment.
    public func embeddings(of ids: [NodeID]) throws -> [[Float]?] {
        let state = try snapshot()
        return ids.map { state.nodes[$0]?.embedding }
    }

    /// Every matching node's embedding compared with `vector`, the best `limit` kept.
    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    {
        let state = try snapshot()
        guard let dimension = state.embeddingDimension else { return [] }
        do {
            try Embedding.dimension(of: vector, matches: dimension, "the query vector")
        } catch {
            throw MemoryGraphError.from(error)
        }
        let scored = state.matching(filter, after: nil).compactMap { stored in
            stored.embedding.map { ScoredNodeID(id: stored.posting.id, score: metric.score(vector, $0)) }
        }
        let best = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }
        return Array(best.prefix(max(0, limit)))
    }

    /// The summary, every node in id order, then every bundle in id order.
    public func export(_ visit: (ExportedRecord) throws -> Void) throws {
        let state = try snapshot()
        try visit(
            .summary(
                StoreSummary(
                    createdAt: state.createdAt.date, nodes: state.nodes.count, bundles: state.bundles.count,
                    links: state.linkCount)))
        for id in state.nodes.keys.sorted(by: { $0.precedes($1) }) {
            if let node = state.node(id) { try visit(.node(node, embedding: state.nodes[id]?.embedding)) }
        }
        for id in state.bundles.keys.sorted(by: { $0.precedes($1) }) {
            if let bundle = state.bundles[id] { try visit(.bundle(bundle)) }
        }
    }

    /// Successful mutations and the batches that held them; no storage size (0).
    public func usage() throws -> StoreUsage {
        let state = try snapshot()
        return StoreUsage(writes: state.writes, commits: state.commits, storageBytes: 0)
    }
}

extension InMemoryGraphStore.State {
    /// Node `id` with its out-links in id order.
    func node(_ id: NodeID) -> MemoryNode? {
        guard var node = nodes[id]?.node else { return nil }
        node.links = links(from: id)
        return node
    }

    func links(from id: NodeID) -> [NodeID] {
        (links[id] ?? []).sorted { $0.precedes($1) }
    }

    func backlinks(to id: NodeID) -> [NodeID] {
        links.filter { $0.value.contains(id) }.map(\.key).sorted { $0.precedes($1) }
    }

    var linkCount: Int {
        links.values.reduce(0) { $0 + $1.count }
    }

    /// The bundles that satisfy `isIncluded`, newest first by `(createdAt, id)`.
    func newestFirst(where isIncluded: (MemoryBundle) -> Bool) -> [MemoryBundle] {
        bundles.values.filter(isIncluded).sorted { first, second in
            first.createdAt != second.createdAt ? first.createdAt > second.createdAt : second.id.precedes(first.id)
        }
    }
}

/// The store's orders written out field by field: the orders of `Posting`'s and
/// `TimeOrderedID`'s `<` (time, then id; an id's two halves in turn), without the generic
/// tuple comparison that dominates sorting in a debug build.
extension Posting {
    /// Whether this posting comes before `other`, oldest first.
    func precedes(_ other: Posting) -> Bool {
        timestamp.value != other.timestamp.value ? timestamp.value < other.timestamp.value : id.precedes(other.id)
    }
}

extension TimeOrderedID {
    /// Whether this id comes before `other` in id order.
    func precedes(_ other: Self) -> Bool {
        uuid.high != other.uuid.high ? uuid.high < other.uuid.high : uuid.low < other.uuid.low
    }

    /// A version 7 id whose other bits come from `random`, so that the same seed gives the same ids.
    static func random(using random: inout some RandomNumberGenerator) -> Self {
        let (high, low) = (random.next() as UInt64, random.next() as UInt64)
        return Self(
            high: high & 0xFFFF_FFFF_FFFF_0FFF | 0x7000, low: low & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000)
    }
}
