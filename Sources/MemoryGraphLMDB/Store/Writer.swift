import Dispatch
import LMDB
import Logging
import MemoryGraphCore
import Metrics
import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The single writer of an LMDB store: it owns the queue of submitted writes, their grouping
/// into transactions, the commit loop with its fallback to one nested transaction per write,
/// and lazy indexing, all on one serial dispatch queue.
///
/// Writes arrive as *units*: the mutations of one ``LMDBStore/apply(_:)`` call, committed in one
/// transaction, each failing alone. With ``LMDBConfiguration/IndexUpdateStrategy/batch`` a
/// transaction takes every unit waiting (up to ``WriteGroup/maximumCount`` writes) and those that
/// arrive while it is applied or, in a burst, soon after (group commit; see
/// ``LMDBConfiguration/groupCommitWindow``); otherwise one unit per transaction. Callers are
/// answered only after the commit that holds their write returned. Synchronous callers wait on
/// a semaphore; `async` callers suspend on a continuation, so no cooperative-pool thread waits.
final class Writer: Sendable {
    private struct State {
        var waiting: [[PendingWrite]] = []
        var draining = false
    }

    private let state = LockedValue(State())
    private let queue = DispatchQueue(label: "memory-graph.writer")
    private static let queueKey = DispatchSpecificKey<Void>()
    private let store: StoreParts
    private let strategy: LMDBConfiguration.IndexUpdateStrategy
    /// The longest a burst's transaction waits for more writes, in nanoseconds.
    private let groupCommitWindow: UInt64
    /// Nodes this process committed without their index entries (lazy indexing).
    private let unindexed = Atomic<Int>(0)
    /// Writes and transactions committed, for ``LMDBStore/usage()``.
    let writes = Atomic<Int>(0)
    let commits = Atomic<Int>(0)

    init(store: StoreParts, strategy: LMDBConfiguration.IndexUpdateStrategy, groupCommitWindow: UInt64) {
        self.store = store
        self.strategy = strategy
        self.groupCommitWindow = groupCommitWindow
        queue.setSpecific(key: Self.queueKey, value: ())
    }

    // MARK: Submitting

    /// Commits `requests` in one transaction and waits for it; each result is that request's.
    func perform<Value: Sendable>(_ requests: [WriteRequest<Value>]) -> [Result<Value, MemoryGraphError>] {
        guard !requests.isEmpty else { return [] }
        let done = DispatchSemaphore(value: 0)
        let delivered = LockedValue<[Result<Value, MemoryGraphError>]>([])
        let results = UnitResults<Value>(count: requests.count) { all in
            delivered.withLockedValue { $0 = all }
            done.signal()
        }
        submit(requests.enumerated().map { index, request in PendingWrite(request) { results.set(index, $0) } })
        done.wait()
        return delivered.withLockedValue { $0 }
    }

    /// Commits `requests` in one transaction; the task is suspended, no thread waits.
    func perform<Value: Sendable>(_ requests: [WriteRequest<Value>]) async -> [Result<Value, MemoryGraphError>] {
        guard !requests.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let results = UnitResults<Value>(count: requests.count) { continuation.resume(returning: $0) }
            submit(requests.enumerated().map { index, request in PendingWrite(request) { results.set(index, $0) } })
        }
    }

    /// Queues one unit of writes; it is committed soon on the writer queue.
    private func submit(_ unit: [PendingWrite]) {
        guard !unit.isEmpty else { return }
        let startDrain = state.withLockedValue { state -> Bool in
            state.waiting.append(unit)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDrain { queue.async { self.drain() } }
    }

    /// Waits until every write queued so far is committed (for closing). A no-op on the writer
    /// queue itself.
    func waitForQueuedWrites() {
        if DispatchQueue.getSpecific(key: Self.queueKey) == nil { queue.sync {} }
    }

    /// Commits what is waiting until nothing is; units submitted after a group's transaction
    /// ended join the next group.
    private func drain() {
        while true {
            let first = state.withLockedValue { state -> [PendingWrite] in
                guard !state.waiting.isEmpty else {
                    state.draining = false
                    return []
                }
                return Self.take(strategy == .batch ? WriteGroup.maximumCount : 1, units: &state.waiting)
            }
            if first.isEmpty { return }
            var group = WriteGroup(first, arrivals: strategy == .batch ? self : nil, window: groupCommitWindow)
            commit(&group)
        }
    }

    /// Removes and returns whole units from the front of `units` while they fit in `limit`
    /// writes (at least one unit).
    static func take(_ limit: Int, units: inout [[PendingWrite]]) -> [PendingWrite] {
        var taken: [PendingWrite] = []
        var count = 0
        while count < units.count, taken.isEmpty || taken.count + units[count].count <= limit {
            taken += units[count]
            count += 1
        }
        units.removeFirst(count)
        return taken
    }

    /// Removes and returns the whole units waiting now that fit in `limit` writes.
    func takeArrivals(limit: Int) -> [PendingWrite] {
        state.withLockedValue { state in
            guard let first = state.waiting.first, first.count <= limit else { return [] }
            return Self.take(limit, units: &state.waiting)
        }
    }

    // MARK: Committing

    /// Commits `group` in one transaction, then delivers every result. Runs on the writer queue.
    ///
    /// Writes check everything that can fail before their first put, so a group first runs flat
    /// in one transaction, taking in the writes that arrive meanwhile. When a write of a group
    /// fails anyway, the group runs again with each write in a nested transaction, so the failing
    /// write fails alone. (Nesting is not the default because LMDB allocates a dirty-page list
    /// for each nested transaction.) Only a store that another process upgraded fails the whole
    /// group.
    private func commit(_ group: inout WriteGroup) {
        let start = monotonicNanoseconds()
        var outcomes: [Result<PendingWrite.Done, MemoryGraphError>] = []
        var created: [InternSession.Created] = []
        var changed: Set<NodeID> = []
        var deferred = 0
        var transaction = 0
        var nodeCount = 0
        var nesting = false
        var log: LogAppender? = nil
        var swept = false
        let sweeps = group.writes.contains(where: \.sweepsFirst)
        let store = self.store
        while true {
            do {
                try store.translatingErrors {
                    try store.environment.write { txn in
                        // A full map re-runs this closure: start from scratch.
                        outcomes.removeAll(keepingCapacity: true)
                        created.removeAll()
                        changed.removeAll()
                        deferred = 0
                        try store.schema.requireCurrentVersion(in: txn, path: store.path)
                        var appender = try LogAppender(txn, schema: store.schema, committedAt: .now())
                        // Nodes whose time has come go first, so that no write meets them.
                        let sweep = StoreTransaction(txn, schema: store.schema, interner: store.interner)
                        swept = try sweeps && sweep.sweepExpired(at: store.now, limit: Self.sweepLimit) > 0
                        if swept {
                            try appender.append(sweep.changes?.entries ?? [], in: txn, schema: store.schema)
                            changed.formUnion(sweep.changes?.nodes ?? [])
                        }
                        if nesting {
                            for write in group.writes {
                                outcomes.append(
                                    Result {
                                        try txn.nested { child in
                                            try run(
                                                write, in: child, created: &created, changed: &changed,
                                                deferred: &deferred, log: &appender)
                                        }
                                    }.mapError(store.translate))
                            }
                        } else {
                            repeat {
                                for write in group.writes[outcomes.count...] {
                                    outcomes.append(
                                        .success(
                                            try run(
                                                write, in: txn, created: &created, changed: &changed,
                                                deferred: &deferred, log: &appender)))
                                }
                            } while group.takeArrivals()
                        }
                        try appender.finish(retention: store.retention, in: txn, schema: store.schema)
                        log = appender
                        transaction = txn.id
                        if store.metrics != nil { nodeCount = try txn.statistics(of: store.schema.nodes).entries }
                        store.cache?.willCommit(transaction)
                    }
                }
                break
            } catch {
                // Nested, a failing write fails alone, and the sweep before it still commits.
                if !nesting && (group.writes.count > 1 || swept) && !Self.isSchemaChange(error) {
                    nesting = true
                    continue
                }
                let failure = store.translate(error)
                for write in group.writes { write.fail(failure) }
                return
            }
        }
        store.interner.remember(created)
        store.cache?.didCommit(transaction, changed: changed)
        if let log, log.appended > 0 { store.commits.signal() }
        // Negative when a write indexed nodes that earlier writes left waiting.
        if deferred != 0 { unindexed.add(deferred, ordering: .releasing) }
        if deferred > 0 { submit([PendingWrite(indexing) { self.indexed($0) }]) }
        record(group: outcomes, nanoseconds: monotonicNanoseconds() &- start, nodeCount: nodeCount)
        for (write, outcome) in zip(group.writes, outcomes) {
            switch outcome {
            case .success(let done): done.deliver()
            case .failure(let error): write.fail(error)
            }
        }
    }

    private func run(
        _ write: PendingWrite, in txn: Transaction, created: inout [InternSession.Created],
        changed: inout Set<NodeID>, deferred: inout Int, log: inout LogAppender
    ) throws -> PendingWrite.Done {
        var transaction = StoreTransaction(txn, schema: store.schema, interner: store.interner)
        transaction.defersIndexing = strategy == .lazy
        let done = try write.run(&transaction)
        // Numbered only once the write succeeded, so a failed write leaves no gap.
        var appended = log
        try appended.append(transaction.changes?.entries ?? [], in: txn, schema: store.schema)
        log = appended
        created += transaction.createdNames
        changed.formUnion(transaction.changes?.nodes ?? [])
        deferred += transaction.changes?.deferredNodes ?? 0
        return done
    }

    /// Metrics of a committed group.
    private func record(
        group outcomes: [Result<PendingWrite.Done, MemoryGraphError>], nanoseconds: UInt64, nodeCount: Int
    ) {
        let committed = outcomes.reduce(0) { count, outcome in
            if case .success = outcome { return count + 1 }
            return count
        }
        commits.add(1, ordering: .relaxed)
        writes.add(committed, ordering: .relaxed)
        guard let metrics = store.metrics else { return }
        metrics.commits.increment()
        metrics.writesPerCommit.record(committed)
        metrics.nodes.record(nodeCount)
        if let gauges = store.gauges, let info = try? store.environment.info() {
            gauges.mapSize.record(info.mapSize)
            gauges.usedBytes.record(info.usedBytes)
            gauges.readersInUse.record(info.readersUsed)
        }
    }

    /// The most expired nodes one transaction removes before its writes: 1 000.
    static let sweepLimit = 1_000

    // MARK: Lazy indexing

    /// Writes the index entries of every node waiting for them.
    private var indexing: WriteRequest<Int> {
        WriteRequest(sweepsFirst: false) { transaction in try transaction.applyPendingIndexing() }
    }

    private func indexed(_ result: Result<Int, MemoryGraphError>) {
        switch result {
        case .success(let count):
            unindexed.subtract(count, ordering: .releasing)
        case .failure(let error) where Self.isSchemaChange(error):
            // This store writes nothing more; the library that upgraded it indexes the nodes
            // still listed in `idx.pending` when it opens it.
            unindexed.store(0, ordering: .releasing)
        case .failure:
            break
        }
    }

    /// Whether reads must first wait for nodes this process left unindexed.
    var hasUnindexedNodes: Bool { unindexed.load(ordering: .acquiring) > 0 }

    /// Waits until the nodes this process left unindexed are indexed (lazy indexing). Once
    /// another process upgraded the store, reads go on without them.
    func catchUpIndexing() throws {
        try caughtUp(perform([indexing])[0])
    }

    /// Waits, suspended, until the nodes this process left unindexed are indexed.
    func catchUpIndexing() async throws {
        try caughtUp(await perform([indexing])[0])
    }

    private func caughtUp(_ result: Result<Int, MemoryGraphError>) throws {
        indexed(result)
        if case .failure(let error) = result, !Self.isSchemaChange(error) { throw error }
    }

    /// Whether `error` says that another process upgraded the store's schema.
    private static func isSchemaChange(_ error: any Error) -> Bool {
        (error as? MemoryGraphError)?.code == .incompatibleSchema
    }
}
