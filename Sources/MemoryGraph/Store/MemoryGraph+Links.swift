import Logging

extension MemoryGraph {
    /// Links node `source` to node `target`. Linking twice is harmless.
    ///
    /// - Returns: `false` when the link already existed.
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when either node is missing,
    ///   ``MemoryGraphError/Code/invalidArgument`` for a link to itself.
    @discardableResult
    public func link(from source: NodeID, to target: NodeID) throws -> Bool {
        try perform(linking(source, to: target, operation: #function))
    }

    /// The checked creation of the link from `source` to `target`.
    func linking(_ source: NodeID, to target: NodeID, operation: String) throws -> WriteRequest<Bool> {
        guard source != target else {
            throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself")
        }
        return WriteRequest(operation, describe: { _ in [["node_id": "\(source)", "target_id": "\(target)"]] }) {
            store in
            for id in [source, target] where try !store.nodeExists(id) {
                throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
            }
            return try store.putLink(from: source, to: target)
        }
    }

    /// Removes the link from `source` to `target`.
    ///
    /// - Returns: `false` when there was no such link.
    @discardableResult
    public func unlink(from source: NodeID, to target: NodeID) throws -> Bool {
        try perform(unlinking(source, from: target, operation: #function))
    }

    /// The removal of the link from `source` to `target`.
    func unlinking(_ source: NodeID, from target: NodeID, operation: String) -> WriteRequest<Bool> {
        WriteRequest(operation, describe: { _ in [["node_id": "\(source)", "target_id": "\(target)"]] }) { store in
            try store.deleteLink(from: source, to: target)
        }
    }

    /// The nodes `id` links to, in id order (empty when `id` does not exist).
    public func links(from id: NodeID) throws -> [NodeID] {
        try read { store in try store.links(from: id) }
    }

    /// The nodes that link to `id`, in id order.
    public func backlinks(to id: NodeID) throws -> [NodeID] {
        try read { store in try store.backlinks(to: id) }
    }
}
