import Collections

extension MemoryGraph {
    /// The nodes within `depth` links of `id`, breadth-first, each once with its shortest
    /// distance; nearer nodes first, and within one depth in the order links were found
    /// (each node's links in id order). The start node is not included.
    ///
    /// Reads one snapshot.
    ///
    /// - Parameters:
    ///   - direction: Which links to follow. Default: ``LinkDirection/outgoing``.
    ///   - depth: The most links from `id`; 0 returns nothing. Default: 1.
    ///   - limit: The most nodes to return. Default: 1 000.
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when `id` does not exist;
    ///   ``MemoryGraphError/Code/invalidArgument`` for a negative depth or limit.
    public func neighbors(
        of id: NodeID, direction: LinkDirection = .outgoing, depth: Int = 1, limit: Int = 1000
    ) throws -> [Neighbor] {
        guard depth >= 0, limit >= 0 else {
            throw MemoryGraphError(
                .invalidArgument, "depth and limit must not be negative, got depth \(depth), limit \(limit)")
        }
        return try read { store in
            guard try store.nodeExists(id) else {
                throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
            }
            var seen: Set<NodeID> = [id]
            var found: [Neighbor] = []
            var frontier: Deque<NodeID> = [id]
            var level = 0
            while level < depth, !frontier.isEmpty, found.count < limit {
                level += 1
                var next: Deque<NodeID> = []
                for node in frontier {
                    var adjacent: [NodeID] = []
                    if direction != .incoming { adjacent += try store.links(from: node) }
                    if direction != .outgoing { adjacent += try store.backlinks(to: node) }
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
    }
}
