/// Expiry: nodes with an ``NodeDraft/expiresAt`` disappear from every read at that moment; the
/// store removes them soon after (each write transaction removes those due first, and an idle
/// store looks every ``Configuration/expirySweepInterval``).
extension MemoryGraph {
    /// Removes every node that has expired now, and returns how many (logged as
    /// ``GraphChange/Kind/nodeExpired``), in transactions of ``forgetBatchSize``.
    @discardableResult
    public func sweepExpired() throws -> Int {
        var total = 0
        while true {
            let removed = try Self.removed(perform(.sweepExpired(limit: Self.forgetBatchSize)))
            total += removed
            if removed < Self.forgetBatchSize { return total }
        }
    }

    /// Removes every node that has expired now; see ``sweepExpired()``.
    @discardableResult
    public func sweepExpired() async throws -> Int {
        var total = 0
        while true {
            let removed = try Self.removed(await perform(.sweepExpired(limit: Self.forgetBatchSize)))
            total += removed
            if removed < Self.forgetBatchSize { return total }
        }
    }
}
