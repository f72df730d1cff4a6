import Foundation
import LMDB
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Node records that arrive in id order are appended: nodes written now, whose ids grow, leave
/// full pages of `nodes` behind rather than pages split partly empty; the small entries of
/// `idx.time` and `text.documents` are packed as well.
@Suite("Page fill of writes in order")
struct PageFillTests {
    /// The fewest leaf pages that hold `database`'s entries: each takes its key and value, an
    /// 8-byte node header and a 2-byte slot, in pages of the store's size less a 16-byte header.
    private static func fewestPages(_ graph: MemoryGraph, _ database: Database) throws -> (needed: Int, used: Int) {
        try graph.environment.read { txn in
            var bytes = 0
            try txn.scan(database) { key, value in
                // LMDB keeps each node's size even.
                bytes += (8 + key.count + value.count + 1) / 2 * 2 + 2
                return true
            }
            let statistics = try txn.statistics(of: database)
            let room = statistics.pageSize - 16
            return ((bytes + room - 1) / room, statistics.leafPages)
        }
    }

    @Test("2 000 nodes written one commit each fill their pages")
    func singleWritesFillPages() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        var random = SplitMix64(seed: 7)
        var previous: NodeID?
        for index in 0..<2_000 {
            let words = (0..<Int.random(in: 20...60, using: &random)).map { _ in
                "word\(Int.random(in: 0..<500, using: &random))"
            }
            let id = try graph.addNode(
                agentID: "agent-\(index % 7)", taskContext: "context-\(index % 5)",
                result: ["type": "note", "summary": .string(words.joined(separator: " "))],
                links: previous.map { [$0] } ?? [])
            previous = id
        }
        for database in [graph.schema.nodes, graph.schema.byTime, graph.schema.textDocuments].compactMap({ $0 }) {
            let (needed, used) = try Self.fewestPages(graph, database)
            // Split by ordinary puts, the records took 18 % more pages than the fewest.
            #expect(used <= needed + needed / 10 + 1, "\(database): \(used) leaf pages, \(needed) would hold it")
        }
        #expect(try graph.verify().problems.isEmpty)
    }

    /// A UUIDv7 of `milliseconds`, its random bits from `random`.
    private static func nodeID(milliseconds: Int64, using random: inout SplitMix64) throws -> NodeID {
        let high = UInt64(milliseconds) << 16 | 0x7000 | (random.next() & 0xFFF)
        let low = 0x8000_0000_0000_0000 | (random.next() & 0x3FFF_FFFF_FFFF_FFFF)
        let bytes = [high, low].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
        guard let id = NodeID(bytes: bytes) else { throw MemoryGraphError(.invalidArgument, "\(bytes) is not an id") }
        return id
    }

    @Test("ids below the last one, above it and repeated mix: each is stored or refused as it should")
    func mixedOrder() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        var random = SplitMix64(seed: 11)
        let start: Int64 = 1_750_000_000_000
        var written: [NodeID: Int] = [:]
        for round in 0..<40 {
            // A batch of past ids in random order (most below the last stored id), then one
            // made now (above every one).
            let drafts = try (0..<25).map { index in
                let milliseconds = start + Int64.random(in: 0..<1_000_000_000, using: &random)
                return NodeDraft(
                    id: try Self.nodeID(milliseconds: milliseconds, using: &random), agentID: "agent",
                    taskContext: "context", result: ["n": .int(round * 100 + index)])
            }
            for (id, draft) in zip(try graph.addNodes(drafts), drafts) { written[id] = draft.result["n"]?.intValue }
            let now = try graph.addNode(agentID: "agent", taskContext: "context", result: ["n": .int(round * 100 + 99)])
            written[now] = round * 100 + 99
            // An id already stored, below the last one, is refused and changes nothing.
            let taken = try #require(drafts.first?.id)
            let refused = #expect(throws: MemoryGraphError.self) {
                try graph.addNodes([NodeDraft(id: taken, agentID: "agent", taskContext: "context", result: ["n": -1])])
            }
            #expect(refused?.code == .duplicateID)
        }
        for (id, value) in written {
            #expect(try graph.node(id)?.result["n"]?.intValue == value)
        }
        var everything = MemoryQuery()
        everything.agentIDs = ["agent"]
        #expect(try graph.count(everything) == written.count)
        #expect(try graph.verify().problems.isEmpty)
    }
}
