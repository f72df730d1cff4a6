import Dispatch
import Testing

import struct NIOConcurrencyHelpers.NIOLockedValueBox

@testable import MemoryGraph

@Suite("Write queue")
struct WriteQueueTests {
    private struct Rejected: Error {}

    /// A write that adds `number` to `delivered` when its result is delivered.
    private static func write(_ number: Int, _ delivered: NIOLockedValueBox<[Int]>) -> PendingWrite {
        PendingWrite(WriteRequest<Int>("test") { _ in number }) { _ in delivered.withLockedValue { $0.append(number) } }
    }

    /// Submits `count` writes while the writer queue is held, then lets it drain, and returns
    /// the writes each commit received, in order.
    private static func groups(of count: Int, grouping: Bool, arrivingDuringFirst: Int = 0) -> [[Int]] {
        let queue = DispatchQueue(label: "test-writer")
        let writeQueue = WriteQueue(queue: queue, groupsWrites: grouping)
        let seen = NIOLockedValueBox<[[Int]]>([])
        let delivered = NIOLockedValueBox<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        let total = count + arrivingDuringFirst
        let commit: @Sendable (inout WriteGroup) -> Void = { group in
            if seen.withLockedValue({ $0.isEmpty }) {
                // Writes submitted while the first group is being applied join it.
                for number in count..<total { writeQueue.submit(Self.write(number, delivered)) { _ in } }
                _ = group.takeArrivals()
            }
            delivered.withLockedValue { $0.removeAll() }
            for write in group.writes { write.fail(Rejected()) }
            let numbers = delivered.withLockedValue { $0 }
            let finished = seen.withLockedValue { seen -> Bool in
                seen.append(numbers)
                return seen.joined().count == total
            }
            if finished { done.signal() }
        }
        queue.suspend()
        for number in 0..<count { writeQueue.submit(Self.write(number, delivered), commit: commit) }
        queue.resume()
        done.wait()
        return seen.withLockedValue { $0 }
    }

    @Test("group commit takes every waiting write, in order, up to the group limit")
    func groupLimit() {
        let count = WriteGroup.maximumCount + 904
        let groups = Self.groups(of: count, grouping: true)
        #expect(groups.map(\.count) == [WriteGroup.maximumCount, 904])
        #expect(Array(groups.joined()) == Array(0..<count))
    }

    @Test("writes that arrive while a group is applied join that group")
    func arrivalsJoin() {
        let groups = Self.groups(of: 3, grouping: true, arrivingDuringFirst: 5)
        #expect(groups == [Array(0..<8)])
    }

    @Test("without grouping every write is a group of its own")
    func noGrouping() {
        let groups = Self.groups(of: 5, grouping: false, arrivingDuringFirst: 2)
        #expect(groups == (0..<7).map { [$0] })
    }
}
