extension MemoryGraph {
    /// Links node `source` to node `target`. Linking twice is harmless.
    ///
    /// - Returns: `false` when the link already existed.
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when either node is missing,
    ///   ``MemoryGraphError/Code/invalidArgument`` for a link to itself.
    @discardableResult
    public func link(from source: NodeID, to target: NodeID) throws -> Bool {
        try Self.changed(perform(linking(source, to: target)))
    }

    /// The checked creation of the link from `source` to `target`.
    func linking(_ source: NodeID, to target: NodeID) throws -> GraphMutation {
        guard source != target else {
            throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself")
        }
        return .link(from: source, to: target)
    }

    /// Removes the link from `source` to `target`.
    ///
    /// - Returns: `false` when there was no such link.
    @discardableResult
    public func unlink(from source: NodeID, to target: NodeID) throws -> Bool {
        try Self.changed(perform(.unlink(from: source, to: target)))
    }

    /// The nodes `id` links to, in id order (empty when `id` does not exist).
    public func links(from id: NodeID) throws -> [NodeID] {
        try reading { try $0.links(from: id) }
    }

    /// The nodes that link to `id`, in id order.
    public func backlinks(to id: NodeID) throws -> [NodeID] {
        try reading { try $0.backlinks(to: id) }
    }
}
