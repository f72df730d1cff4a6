extension MemoryGraph {
    /// Checks, in one read snapshot, that every index entry points to a node with the matching
    /// field, every node is in each index it belongs to, `links.in` mirrors `links.out`, bundles
    /// name existing nodes and are indexed, counters match their indexes, and the dictionaries
    /// mirror each other. Works on a store opened read-only.
    public func verify() throws -> VerificationReport {
        try reading { _ in try maintainable().verify() }
    }

    /// Checks one node in one read snapshot: its record decodes and names known agent, context
    /// and type ids; it is in every index it belongs to (agent, context, agent + context, type,
    /// confidence, time) unless it still waits for lazy indexing; and each of its links and
    /// backlinks is in both `links.out` and `links.in` and names an existing node.
    ///
    /// The same checks ``verify()`` makes for this node, at the cost of a few lookups, so a
    /// reader can check what it reads while writers (in this or other processes) go on. It does
    /// not look for index entries filed under a wrong key; ``verify()`` does.
    ///
    /// ```swift
    /// if let problems = try graph.verifyNode(id), !problems.isEmpty {
    ///     print(problems.map(\.description).joined(separator: "\n"))
    /// }
    /// ```
    ///
    /// - Returns: The problems found, empty when the node is consistent; `nil` when no node has
    ///   the id.
    /// - Throws: ``MemoryGraphError/Code/closed``, or ``MemoryGraphError/Code/storage`` when
    ///   the snapshot cannot be read.
    public func verifyNode(_ id: NodeID) throws -> [VerificationProblem]? {
        try reading { _ in try maintainable().verifyNode(id) }
    }

    /// Rebuilds every secondary index, `links.in`, the bundle indexes, the counters and the
    /// dictionaries from the node and bundle records in one write transaction (and, in LMDB, the
    /// full-text and vector indexes).
    ///
    /// - Returns: What ``verify()`` found before the repair.
    /// - Throws: ``MemoryGraphError/Code/unsupported`` for a backend without maintenance (see
    ///   ``MaintainableGraphStore``).
    @discardableResult
    public func repair() throws -> VerificationReport {
        try reading { _ in try maintainable().repair() }
    }

    /// Writes a consistent copy of the store into the new directory `destination` while readers
    /// and writers go on; `compacting` omits free space (slower, smaller).
    ///
    /// - Throws: ``MemoryGraphError/Code/unsupported`` for a backend without maintenance.
    public func backup(to destination: String, compacting: Bool = false) throws {
        try reading { _ in try maintainable().backup(to: destination, compacting: compacting) }
    }

    /// The backend's maintenance, or the error that says it has none.
    private func maintainable() throws -> any MaintainableGraphStore {
        guard let store = store as? any MaintainableGraphStore else {
            throw MemoryGraphError(
                .unsupported, "\(type(of: store)) has no verify, repair or backup; use the database's own tools")
        }
        return store
    }
}
