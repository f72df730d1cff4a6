extension MemoryGraph {
    /// Checks, in one read snapshot, that every index entry points to a node with the matching
    /// field, every node is in each index it belongs to, `links.in` mirrors `links.out`, bundles
    /// name existing nodes and are indexed, counters match their indexes, and the dictionaries
    /// mirror each other. Works on a store opened read-only.
    public func verify() throws -> VerificationReport {
        try read { store in try store.verify() }
    }

    /// Rebuilds every secondary index, `links.in`, the bundle indexes, the counters and the
    /// dictionaries from the node and bundle records in one write transaction.
    ///
    /// - Returns: What ``verify()`` found before the repair.
    @discardableResult
    public func repair() throws -> VerificationReport {
        let found = try verify()
        try perform(WriteRequest("repair", describe: { _ in [] }) { store in try store.repair() })
        return found
    }
}
