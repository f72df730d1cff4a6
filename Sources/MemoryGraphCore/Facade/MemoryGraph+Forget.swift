/// Forgetting: removing every node about a subject, with everything that refers to it.
///
/// ```swift
/// let forgotten = try graph.forget(taskContext: "trip-42")
/// ```
///
/// Each node goes exactly as with ``removeNode(_:)``: its index entries, its links in both
/// directions and its place in every bundle. Afterwards no read, index, link or bundle shows it;
/// only the retained entries of the change log remember that it existed (and its versions, for
/// ``history(of:)``) — lower ``Configuration/changeRetention`` and make one write to purge
/// those too.
extension MemoryGraph {
    /// How many nodes one transaction of a forget removes: 1 000.
    public static let forgetBatchSize = 1_000

    /// Removes every node that matches `query` (its limit, order and cursor play no part) and
    /// returns how many were removed.
    ///
    /// The nodes go in transactions of ``forgetBatchSize``, each atomic, each committed before
    /// the next starts, so a large forget never holds the writer for long. Interrupted — a crash,
    /// a full disk — it leaves a consistent store with part of the nodes removed; calling it
    /// again removes the rest. Nodes that come to match while it runs are removed as well.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for a query with a non-finite
    ///   confidence bound; what a write throws (nothing of its batch is removed then).
    @discardableResult
    public func forget(matching query: MemoryQuery) throws -> Int {
        try Self.check(forgetting: query)
        return try removingInBatches { .forgetNodes(query, limit: $0) }
    }

    /// Removes every node that matches `query`; see ``forget(matching:)``.
    @discardableResult
    public func forget(matching query: MemoryQuery) async throws -> Int {
        try Self.check(forgetting: query)
        return try await removingInBatches { .forgetNodes(query, limit: $0) }
    }

    /// Removes every node of agent `agentID`; see ``forget(matching:)``.
    @discardableResult
    public func forget(agentID: String) throws -> Int {
        try forget(matching: Self.query(agentIDs: [agentID]))
    }

    /// Removes every node of agent `agentID`; see ``forget(matching:)``.
    @discardableResult
    public func forget(agentID: String) async throws -> Int {
        try await forget(matching: Self.query(agentIDs: [agentID]))
    }

    /// Removes every node in task context `taskContext`; see ``forget(matching:)``.
    @discardableResult
    public func forget(taskContext: String) throws -> Int {
        try forget(matching: Self.query(contexts: [taskContext]))
    }

    /// Removes every node in task context `taskContext`; see ``forget(matching:)``.
    @discardableResult
    public func forget(taskContext: String) async throws -> Int {
        try await forget(matching: Self.query(contexts: [taskContext]))
    }

    private static func query(agentIDs: Set<String>? = nil, contexts: Set<String>? = nil) -> MemoryQuery {
        var query = MemoryQuery()
        query.agentIDs = agentIDs
        query.contexts = contexts
        return query
    }

    private static func check(forgetting query: MemoryQuery) throws {
        var checked = query
        checked.limit = forgetBatchSize
        try check(checked, cursor: nil)
    }

    /// Applies `batch(forgetBatchSize)` until a batch removes fewer nodes than that; how many
    /// were removed in all.
    func removingInBatches(_ batch: (Int) -> GraphMutation, operation: StaticString = #function) throws -> Int {
        var total = 0
        while true {
            let removed = try Self.removed(perform(batch(Self.forgetBatchSize), operation: operation))
            total += removed
            if removed < Self.forgetBatchSize { return total }
        }
    }

    /// Applies `batch(forgetBatchSize)` until a batch removes fewer nodes than that; see
    /// ``removingInBatches(_:operation:)``.
    func removingInBatches(_ batch: (Int) -> GraphMutation, operation: StaticString = #function) async throws
        -> Int
    {
        var total = 0
        while true {
            let removed = try Self.removed(await perform(batch(Self.forgetBatchSize), operation: operation))
            total += removed
            if removed < Self.forgetBatchSize { return total }
        }
    }

    static func removed(_ outcome: MutationOutcome) throws -> Int {
        guard case .removed(let count) = outcome else { throw unexpected(outcome) }
        return count
    }
}
