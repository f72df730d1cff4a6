import MemoryGraphCore

/// Removes expired nodes from a writable store that nothing writes to: every
/// ``MemoryGraph/Configuration/expirySweepInterval`` it looks at the soonest expiry and, when
/// it has come, sweeps in batches. (Write transactions remove the nodes due before their writes
/// on their own.) A task that is suspended between looks and while its batch commits.
final class ExpirySweeper: Sendable {
    private let task: Task<Void, Never>

    /// Starts looking every `interval` seconds; `sweep` answers whether it removed a full batch
    /// (so that the next batch follows at once).
    init(interval: Double, sweep: @escaping @Sendable () async -> Bool) {
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                while !Task.isCancelled, await sweep() {}
            }
        }
    }

    /// Stops looking; a batch under way still commits.
    func stop() {
        task.cancel()
    }
}

extension LMDBStore {
    /// One round of the background sweep: removes a batch when a node has expired; whether the
    /// batch was full.
    func sweepInBackground() async -> Bool {
        guard !isClosed else { return false }
        let now = parts.now
        guard let soonest = try? snapshot({ try $0.soonestExpiry() }), soonest <= now else { return false }
        let limit = Writer.sweepLimit
        guard case .success(.removed(let removed)) = await apply([.sweepExpired(limit: limit)])[0] else {
            return false
        }
        return removed == limit
    }
}
