import Dispatch

import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The single writer of a graph: submitted writes wait here and are committed on one serial
/// queue, one per transaction (``MemoryGraph/IndexUpdateStrategy/immediate``) or everything
/// waiting in one transaction (group commit, ``MemoryGraph/IndexUpdateStrategy/batch``).
final class WriteQueue: Sendable {
    private struct State {
        var waiting: [PendingWrite] = []
        var draining = false
    }

    private let state = NIOLockedValueBox(State())
    private let queue: DispatchQueue
    private let groupsWrites: Bool

    /// A queue that commits on `queue`; `groupsWrites` puts everything waiting in one transaction.
    init(queue: DispatchQueue, groupsWrites: Bool) {
        self.queue = queue
        self.groupsWrites = groupsWrites
    }

    /// Queues `write`; it is committed soon on the writer queue by `commit`, which receives the
    /// writes that go into one transaction.
    func submit(_ write: PendingWrite, commit: @escaping @Sendable ([PendingWrite]) -> Void) {
        let startDrain = state.withLockedValue { state -> Bool in
            state.waiting.append(write)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDrain { queue.async { self.drain(commit) } }
    }

    /// How long an idle writer that groups writes polls for more writers before its first
    /// commit, and the most polls: writes submitted at once (many producers) then share one
    /// commit instead of the first committing alone. A lone write waits one interval.
    private static let gatherInterval: UInt32 = 50  // µs
    private static let gatherPolls = 4

    /// Commits what is waiting until nothing is; writes submitted meanwhile join the next group.
    private func drain(_ commit: ([PendingWrite]) -> Void) {
        if groupsWrites { gather() }
        while true {
            let group = state.withLockedValue { state -> [PendingWrite] in
                guard !state.waiting.isEmpty else {
                    state.draining = false
                    return []
                }
                if groupsWrites {
                    defer { state.waiting.removeAll(keepingCapacity: true) }
                    return state.waiting
                }
                return [state.waiting.removeFirst()]
            }
            if group.isEmpty { return }
            commit(group)
        }
    }

    /// Waits while more writes keep arriving, up to ``gatherPolls`` intervals.
    private func gather() {
        var waiting = state.withLockedValue { $0.waiting.count }
        for _ in 0..<Self.gatherPolls {
            usleep(Self.gatherInterval)
            let now = state.withLockedValue { $0.waiting.count }
            if now == waiting { return }
            waiting = now
        }
    }
}
