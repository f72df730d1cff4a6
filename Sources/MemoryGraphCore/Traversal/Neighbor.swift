/// Which links a traversal follows.
public enum LinkDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// From a node to the nodes it links to (`links(from:)`).
    case outgoing
    /// From a node to the nodes that link to it (`backlinks(to:)`).
    case incoming
    /// Both ways.
    case both
}

/// A node reached by ``MemoryGraph/neighbors(of:direction:depth:limit:)``.
public struct Neighbor: Sendable, Hashable {
    /// The node reached.
    public var id: NodeID
    /// The fewest links between it and the start node (1 for a direct neighbor).
    public var depth: Int

    /// A node reached at `depth` links from the start.
    public init(id: NodeID, depth: Int) {
        self.id = id
        self.depth = depth
    }
}
