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
        try Self.check(depth: depth, limit: limit)
        return try reading { try $0.neighbors(of: id, direction: direction, depth: depth, limit: limit) }
    }

    static func check(depth: Int, limit: Int) throws {
        guard depth >= 0, limit >= 0 else {
            throw MemoryGraphError(
                .invalidArgument, "depth and limit must not be negative, got depth \(depth), limit \(limit)")
        }
    }
}
