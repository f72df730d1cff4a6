/// The change log, history: what changed, in commit order, and what a node was.
extension MemoryGraph {
    /// The sequence number of the newest change in the log; 0 when nothing was logged yet. A
    /// consumer that starts here sees only the changes committed from now on.
    public func currentSequence() throws -> UInt64 {
        try reading { try $0.currentSequence() }
    }

    /// The sequence number of the newest change in the log; see ``currentSequence()``.
    public func currentSequence() async throws -> UInt64 {
        try await reading { try await $0.currentSequence() }
    }

    /// One page of the change log: the changes after `sequence` that match `filter`, oldest
    /// first, at most `limit`; continue after the page's ``ChangePage/scannedThrough``.
    ///
    /// ```swift
    /// let page = try graph.changePage(after: 0, limit: 100)
    /// ```
    ///
    /// - Throws: ``MemoryGraphError/Code/changesTruncated`` when retention dropped changes after
    ///   `sequence`; ``MemoryGraphError/Code/invalidArgument`` for a `limit` below 1.
    public func changePage(after sequence: UInt64 = 0, matching filter: ChangeFilter = .all, limit: Int = 1000)
        throws -> ChangePage
    {
        try Self.check(pageLimit: limit)
        return try reading { try $0.changes(after: sequence, matching: filter, limit: limit) }
    }

    /// One page of the change log; see ``changePage(after:matching:limit:)``.
    public func changePage(after sequence: UInt64 = 0, matching filter: ChangeFilter = .all, limit: Int = 1000)
        async throws -> ChangePage
    {
        try Self.check(pageLimit: limit)
        return try await reading { try await $0.changes(after: sequence, matching: filter, limit: limit) }
    }

    /// The changes after `sequence` that match `filter`, in commit order: first those the log
    /// holds, then, with `follow` (the default), each new commit's — also those of other
    /// processes writing to the same store — until the consuming task is cancelled. Without
    /// `follow` the sequence ends at the end of the log as it was when iteration began.
    ///
    /// ```swift
    /// for try await change in graph.changes(after: lastSeen) {
    ///     print(change.sequence, change.kind, change.nodeID as Any)
    /// }
    /// ```
    public func changes(after sequence: UInt64 = 0, matching filter: ChangeFilter = .all, follow: Bool = true)
        -> ChangeFeed
    {
        ChangeFeed(
            store: store, start: sequence, filter: filter, follows: follow,
            enabled: configuration.enableAsyncOperations)
    }

    /// Node `id` as it is and as it was, newest first: the current node (when it exists), then
    /// each earlier version the retained change log holds — with its version, update time,
    /// result and metadata, but no links. A removed node's versions stay readable until
    /// retention drops their entries; a node never logged has none.
    ///
    /// ```swift
    /// for version in try graph.history(of: id) { print(version.version, version.result) }
    /// ```
    public func history(of id: NodeID) throws -> [MemoryNode] {
        try reading { try $0.history(of: id) }
    }

    /// Node `id` as it is and as it was; see ``history(of:)``.
    public func history(of id: NodeID) async throws -> [MemoryNode] {
        try await reading { try await $0.history(of: id) }
    }

    private static func check(pageLimit limit: Int) throws {
        guard limit >= 1 else {
            throw MemoryGraphError(.invalidArgument, "a change page's limit must be at least 1, got \(limit)")
        }
    }
}
