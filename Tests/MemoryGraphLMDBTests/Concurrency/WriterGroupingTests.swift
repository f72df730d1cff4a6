import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Writer grouping")
struct WriterGroupingTests {
    /// A write that does nothing: only its place in a unit matters here.
    private static let write = PendingWrite(WriteRequest<Int> { _ in 0 }) { _ in }

    /// Units of the given sizes, each write numbered in submission order.
    private static func units(_ sizes: [Int]) -> [[PendingWrite]] {
        sizes.map { Array(repeating: write, count: $0) }
    }

    /// The sizes of the groups the writer takes from `sizes` with at most `limit` writes each.
    private static func groups(of sizes: [Int], limit: Int) -> [Int] {
        var waiting = units(sizes)
        var taken: [Int] = []
        while !waiting.isEmpty { taken.append(Writer.take(limit, units: &waiting).count) }
        return taken
    }

    @Test("group commit takes every waiting write, in order, up to the group limit")
    func groupLimit() {
        let sizes = Array(repeating: 1, count: WriteGroup.maximumCount + 904)
        #expect(Self.groups(of: sizes, limit: WriteGroup.maximumCount) == [WriteGroup.maximumCount, 904])
    }

    @Test("a unit — the mutations of one apply call — is never split between transactions")
    func unitsStayWhole() {
        #expect(Self.groups(of: [3, WriteGroup.maximumCount, 2], limit: WriteGroup.maximumCount) == [3, 4_096, 2])
        #expect(Self.groups(of: [5_000, 1], limit: WriteGroup.maximumCount) == [5_000, 1])
    }

    @Test("without grouping every unit is a transaction of its own")
    func noGrouping() {
        #expect(Self.groups(of: [1, 2, 1, 3], limit: 1) == [1, 2, 1, 3])
    }

}
