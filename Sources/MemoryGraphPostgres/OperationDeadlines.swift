import MemoryGraphCore
import Synchronization

/// The deadlines of the operations in flight, which one watcher checks a few times a second.
///
/// An operation must get a connection within ``PostgresConfiguration/connectTimeout`` and an
/// answer within ``PostgresConfiguration/operationTimeout``: a server that went away can leave
/// the pool waiting, and a connection whose server died may never answer. Watching them from one
/// place costs an operation two short lock holds, where a timer of its own would cost a task.
final class OperationDeadlines: Sendable {
    /// How often the watcher looks: how late, at most, a deadline is noticed.
    static let tick = Duration.milliseconds(250)

    private let entries = Mutex<(next: Int, byID: [Int: Entry])>((0, [:]))

    private struct Entry {
        var connectBy: ContinuousClock.Instant
        var answerBy: ContinuousClock.Instant
        var operation: InFlightOperation
    }

    /// Watches `operation` from now on; returns its key for ``remove(_:)``.
    func add(_ operation: InFlightOperation, connectTimeout: Duration, operationTimeout: Duration) -> Int {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            entries.next += 1
            entries.byID[entries.next] = Entry(
                connectBy: now + connectTimeout, answerBy: now + operationTimeout, operation: operation)
            return entries.next
        }
    }

    /// Stops watching the operation `key` names.
    func remove(_ key: Int) {
        _ = entries.withLock { $0.byID.removeValue(forKey: key) }
    }

    /// Gives up on every operation past a deadline: one still without a connection past its
    /// connect deadline, any past its answer deadline.
    func expire(at now: ContinuousClock.Instant = .now) {
        let expired = entries.withLock { entries -> [(InFlightOperation, connected: Bool)] in
            var expired: [(InFlightOperation, connected: Bool)] = []
            for (key, entry) in entries.byID {
                if now >= entry.connectBy, entry.operation.abandonWaiting() {
                    expired.append((entry.operation, false))
                } else if now >= entry.answerBy {
                    expired.append((entry.operation, true))
                } else {
                    continue
                }
                entries.byID.removeValue(forKey: key)
            }
            return expired
        }
        for (operation, connected) in expired { operation.giveUp(connected: connected) }
    }
}

/// An operation on a pooled connection, seen from its deadlines: whether it got its connection,
/// and how to give up on it.
final class InFlightOperation: Sendable {
    /// 0: waiting for a connection, 1: connected, 2: abandoned.
    private let state = Atomic<Int>(0)
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let fail: @Sendable (_ connected: Bool) -> Void

    /// An operation that `fail` ends with an error when a deadline passes.
    init(fail: @escaping @Sendable (_ connected: Bool) -> Void) { self.fail = fail }

    /// Notes the task that runs the operation, which giving up cancels.
    func run(in task: Task<Void, Never>) { self.task.withLock { $0 = task } }

    /// Marks the connection as got; `false` when the caller gave up first.
    func connect() -> Bool {
        state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged
    }

    /// Gives up waiting for a connection; `false` when the connection came first.
    func abandonWaiting() -> Bool {
        state.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged
    }

    /// Cancels the operation and fails its caller.
    func giveUp(connected: Bool) {
        task.withLock { $0 }?.cancel()
        fail(connected)
    }
}
