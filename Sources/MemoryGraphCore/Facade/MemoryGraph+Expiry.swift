/// Expiry: nodes with an ``NodeDraft/expiresAt`` disappear from every read at that moment; the
/// store removes them soon after (each write transaction removes those due first, and an idle
/// store looks every ``Configuration/expirySweepInterval``).
extension MemoryGraph {
    /// Removes every node that has expired now, and returns how many (logged as
    /// ``GraphChange/Kind/nodeExpired``), in transactions of ``forgetBatchSize``.
    @discardableResult
    public func sweepExpired() throws -> Int {
        try removingInBatches { .sweepExpired(limit: $0) }
    }

    /// Removes every node that has expired now; see ``sweepExpired()``.
    @discardableResult
    public func sweepExpired() async throws -> Int {
        try await removingInBatches { .sweepExpired(limit: $0) }
    }
}
