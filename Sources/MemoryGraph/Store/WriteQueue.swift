import Dispatch

import struct NIOConcurrencyHelpers.NIOLockedValueBox

/// The single writer of a graph: submitted writes wait here and are committed on one serial
/// queue, one per transaction (``MemoryGraph/IndexUpdateStrategy/immediate``) or as a
/// ``WriteGroup`` that keeps taking writes while it is applied (group commit,
/// ``MemoryGraph/IndexUpdateStrategy/batch``).
final class WriteQueue: Sendable {
    private struct State {
        var waiting: [PendingWrite] = []
        var draining = false
    }

    private let state = NIOLockedValueBox(State())
    private let queue: DispatchQueue
    private let groupsWrites: Bool

    /// A queue that commits on `queue`; with `groupsWrites` a transaction takes every write
    /// waiting (at most ``WriteGroup/maximumCount``) and those that arrive while it runs.
    init(queue: DispatchQueue, groupsWrites: Bool) {
        self.queue = queue
        self.groupsWrites = groupsWrites
    }

    /// Queues `write`; it is committed soon on the writer queue by `commit`, which receives a
    /// ``WriteGroup``: the writes of one transaction, able to take in more while it runs.
    func submit(_ write: PendingWrite, commit: @escaping @Sendable (inout WriteGroup) -> Void) {
        let startDrain = state.withLockedValue { state -> Bool in
            state.waiting.append(write)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDrain { queue.async { self.drain(commit) } }
    }

    /// Commits what is waiting until nothing is; writes submitted after a group's transaction
    /// ended join the next group.
    private func drain(_ commit: (inout WriteGroup) -> Void) {
        while true {
            let first = state.withLockedValue { state -> [PendingWrite] in
                guard !state.waiting.isEmpty else {
                    state.draining = false
                    return []
                }
                return Self.take(groupsWrites ? WriteGroup.maximumCount : 1, from: &state.waiting)
            }
            if first.isEmpty { return }
            var group = WriteGroup(first, arrivals: groupsWrites ? self : nil)
            commit(&group)
        }
    }

    /// Removes and returns the first `limit` writes waiting now, without ending the drain.
    func takeArrivals(limit: Int) -> [PendingWrite] {
        state.withLockedValue { Self.take(limit, from: &$0.waiting) }
    }

    private static func take(_ limit: Int, from waiting: inout [PendingWrite]) -> [PendingWrite] {
        guard waiting.count > limit else {
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
        defer { waiting.removeFirst(limit) }
        return Array(waiting.prefix(limit))
    }
}
