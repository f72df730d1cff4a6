import NIOConcurrencyHelpers

/// Wakes the tasks that wait for the next commit of a store: what a change feed sleeps on
/// between reads of the log.
///
/// A waiter reads ``generation`` before it looks at the store, then waits ``wait(after:timeout:)``
/// with it: a commit signalled in between ends the wait at once, so none is missed.
package final class CommitSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = LockedValue(State())

    package init() {}

    /// How many commits were signalled so far.
    package var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Wakes every waiting task.
    package func signal() {
        let woken = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns after the first commit signalled since `generation` (at once when there was one),
    /// after `timeout`, or when the task is cancelled, whichever comes first.
    package func wait(after generation: UInt64, timeout: Duration) async {
        let id = state.withLockedValue { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let now = self.state.withLockedValue { state -> Bool in
                            // The cancellation flag is set before the handler below runs, and
                            // both take the lock: either the handler finds this waiter, or this
                            // sees the flag.
                            if state.generation != generation || Task.isCancelled { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
