import Dispatch
import LMDB
import Logging

import struct NIOConcurrencyHelpers.NIOLockedValueBox

extension MemoryGraph {
    /// Runs `request` on the writer and returns its result once it is committed.
    func perform<Value: Sendable>(_ request: WriteRequest<Value>) throws -> Value {
        try ensureWritable()
        let done = DispatchSemaphore(value: 0)
        let outcome = NIOLockedValueBox<Result<Value, any Error>?>(nil)
        writes.submit(
            PendingWrite(request) { result in
                outcome.withLockedValue { $0 = result }
                done.signal()
            }
        ) { self.commit(&$0) }
        done.wait()
        guard let result = outcome.withLockedValue({ $0 }) else {
            throw MemoryGraphError(.storage, "a write finished without a result")
        }
        return try result.get()
    }

    /// Runs `request` on the writer; the calling task is suspended, no thread waits.
    func perform<Value: Sendable>(_ request: WriteRequest<Value>) async throws -> Value {
        try ensureAsyncEnabled()
        try ensureWritable()
        return try await withCheckedThrowingContinuation { continuation in
            writes.submit(PendingWrite(request) { continuation.resume(with: $0) }) { self.commit(&$0) }
        }
    }

    func ensureAsyncEnabled() throws {
        guard configuration.enableAsyncOperations else {
            throw MemoryGraphError(
                .asyncDisabled,
                "async operations are disabled; set Configuration.enableAsyncOperations or call the synchronous form")
        }
    }

    private func ensureWritable() throws {
        try ensureOpen()
        guard !configuration.readOnly else {
            throw MemoryGraphError(
                .readOnly, "the graph at \(path) was opened read-only; open it writable to change it")
        }
    }

    /// Commits `group` in one transaction, then delivers every result. Runs on the writer queue.
    ///
    /// Writes check everything that can fail before their first put, so a group first runs flat
    /// in one transaction, taking in the writes that arrive meanwhile. When a write of a group
    /// fails anyway, the group runs again with each write in a nested transaction, so the failing
    /// write fails alone. (Nesting is not the default because LMDB allocates a dirty-page list
    /// for each nested transaction.) Only a store that another process upgraded fails the whole
    /// group.
    func commit(_ group: inout WriteGroup) {
        let start = monotonicNanoseconds()
        var outcomes: [Result<PendingWrite.Done, any Error>] = []
        var created: [InternSession.Created] = []
        var changed: Set<NodeID> = []
        var deferred = 0
        var transaction = 0
        var nodeCount = 0
        var nesting = false
        while true {
            do {
                try translatingErrors {
                    try environment.write { txn in
                        // A full map re-runs this closure: start from scratch.
                        outcomes.removeAll(keepingCapacity: true)
                        created.removeAll()
                        changed.removeAll()
                        deferred = 0
                        try schema.requireCurrentVersion(in: txn, path: path)
                        if nesting {
                            for write in group.writes {
                                outcomes.append(
                                    Result {
                                        try txn.nested { child in
                                            try run(
                                                write, in: child, created: &created, changed: &changed,
                                                deferred: &deferred)
                                        }
                                    }.mapError(translate))
                            }
                        } else {
                            repeat {
                                for write in group.writes[outcomes.count...] {
                                    outcomes.append(
                                        .success(
                                            try run(
                                                write, in: txn, created: &created, changed: &changed,
                                                deferred: &deferred)))
                                }
                            } while group.takeArrivals()
                        }
                        transaction = txn.id
                        if metrics != nil { nodeCount = try txn.statistics(of: schema.nodes).entries }
                        cache?.willCommit(transaction)
                    }
                }
                break
            } catch {
                if !nesting && group.writes.count > 1 && !Self.isSchemaChange(error) {
                    nesting = true
                    continue
                }
                for write in group.writes { write.fail(error) }
                return
            }
        }
        interner.remember(created)
        cache?.didCommit(transaction, changed: changed)
        if deferred > 0 {
            unindexedNodes.add(deferred, ordering: .releasing)
            writes.submit(PendingWrite(indexing) { self.indexed($0) }) { self.commit(&$0) }
        }
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
        changed: inout Set<NodeID>, deferred: inout Int
    ) throws -> PendingWrite.Done {
        var store = StoreTransaction(txn, schema: schema, interner: interner)
        store.defersIndexing = configuration.indexUpdateStrategy == .lazy
        let done = try write.run(&store)
        created += store.createdNames
        changed.formUnion(store.changes?.nodes ?? [])
        deferred += store.changes?.deferredNodes ?? 0
        return done
    }

    /// Writes the index entries of every node waiting for them.
    private var indexing: WriteRequest<Int> {
        WriteRequest("applyPendingIndexing", describe: { _ in [] }) { store in try store.applyPendingIndexing() }
    }

    private func indexed(_ result: Result<Int, any Error>) {
        switch result {
        case .success(let count):
            unindexedNodes.subtract(count, ordering: .releasing)
        case .failure(let error) where Self.isSchemaChange(error):
            // This graph writes nothing more; the library that upgraded the store indexes the
            // nodes still listed in `idx.pending` when it opens it.
            unindexedNodes.store(0, ordering: .releasing)
        case .failure:
            break
        }
    }

    /// Waits until the nodes this process left unindexed are indexed (lazy indexing). Once
    /// another process upgraded the store, reads go on without them.
    func catchUpIndexing() throws {
        let result = Result { try perform(indexing) }
        indexed(result)
        if case .failure(let error) = result, !Self.isSchemaChange(error) { throw error }
    }

    /// Whether `error` says that another process upgraded the store's schema.
    private static func isSchemaChange(_ error: any Error) -> Bool {
        (error as? MemoryGraphError)?.code == .incompatibleSchema
    }

    private func translate(_ error: any Error) -> any Error {
        do {
            return try translatingErrors { throw error }
        } catch {
            return error
        }
    }

    /// Metrics and debug logs of a committed group.
    private func record(group outcomes: [Result<PendingWrite.Done, any Error>], nanoseconds: UInt64, nodeCount: Int) {
        let committed = outcomes.compactMap { try? $0.get() }
        activity.commits.add(1, ordering: .relaxed)
        activity.writes.add(committed.count, ordering: .relaxed)
        if let metrics {
            for done in committed { metrics.record(done.operation, nanoseconds: nanoseconds) }
            metrics.commits.increment()
            metrics.writesPerCommit.record(committed.count)
            metrics.nodes.record(nodeCount)
            if let info = try? environment.info() {
                metrics.mapSize.record(info.mapSize)
                metrics.usedBytes.record(info.usedBytes)
                metrics.readersInUse.record(info.readersUsed)
            }
        }
        guard logger.logLevel <= .debug else { return }
        for done in committed {
            for var metadata in done.log() {
                metadata["operation"] = .string(done.operation)
                metadata["duration"] = .stringConvertible(Double(nanoseconds) / 1e9)
                logger.debug("mutation", metadata: metadata)
            }
        }
    }
}
