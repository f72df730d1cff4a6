import LMDB
public import MemoryGraphCore

/// The change log: appended by the writer in each commit's transaction, read in snapshots, and
/// followed across processes by watching LMDB's last committed transaction.
extension LMDBStore {
    /// How often a waiting change feed first looks for commits of other processes, which LMDB
    /// does not announce: 2 ms. Each look that finds none doubles the interval, up to
    /// ``longestChangePollInterval``, so an idle follower wakes about 35 times a second instead
    /// of 500; the next wait starts at 2 ms again. Commits of this process wake it at once.
    public static let changePollInterval: Duration = .milliseconds(2)
    /// The longest interval between two looks of a waiting change feed: 32 ms.
    public static let longestChangePollInterval: Duration = .milliseconds(32)

    public func currentSequence() throws -> UInt64 { try readLog { try $0.lastSequence() } }

    public func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) throws -> ChangePage {
        try readLog { try $0.changePage(after: sequence, matching: filter, limit: limit) }
    }

    public func history(of id: NodeID) throws -> [MemoryNode] { try readLog { try $0.history(of: id) } }

    /// A snapshot read that needs no index entries, so it never waits for lazy indexing (and
    /// never blocks the thread of an `async` caller).
    private func readLog<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try ensureOpen()
        return try snapshot(body)
    }

    /// Returns once the log holds entries after `sequence`, after `timeout`, or on cancellation.
    /// This process's commits end the wait at once; another process's are seen within
    /// ``changePollInterval`` at first, ``longestChangePollInterval`` once the wait went on, from
    /// LMDB's last committed transaction id, which a process reads from shared memory without a
    /// transaction.
    public func waitForChanges(after sequence: UInt64, timeout: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var seenTransaction = -1
        var interval = Self.changePollInterval
        while !Task.isCancelled, !isClosed {
            // Read before the log, so that a commit in between ends the wait below at once.
            let generation = parts.commits.generation
            guard let transaction = try? environment.lastCommittedTransaction() else { return }
            if transaction != seenTransaction {
                seenTransaction = transaction
                guard let last = try? readLog({ try $0.lastSequence() }), last <= sequence else { return }
            }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { return }
            await parts.commits.wait(after: generation, timeout: min(remaining, interval))
            interval = min(interval * 2, Self.longestChangePollInterval)
        }
    }
}
