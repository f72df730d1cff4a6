import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Node records damaged on disk (written here through the `LMDB` module) are reported as
/// corruption by reads and by `verify`; nothing traps, and the other nodes stay readable.
@Suite("Damaged node records")
struct DamagedRecordTests {
    typealias Damage = (name: String, damage: @Sendable ([UInt8]) -> [UInt8])

    private static let damages: [Damage] = [
        ("empty record", { _ in [] }),
        ("cut inside the header", { Array($0.prefix(NodeHeader.size / 2)) }),
        ("cut inside the result", { Array($0.prefix(NodeHeader.size + 3)) }),
        (
            "unknown format version",
            { bytes in
                var bytes = bytes; bytes[0] = 0x7F; return bytes
            }
        ),
        (
            "unknown flag bits",
            { bytes in
                var bytes = bytes; bytes[1] |= 0x80; return bytes
            }
        ),
        (
            "result length past the end",
            { bytes in
                var bytes = bytes; bytes.replaceSubrange(30..<34, with: [0xFF, 0xFF, 0xFF, 0xF0]); return bytes
            }
        ),
        (
            "link count past the end",
            { bytes in
                var bytes = bytes; bytes.replaceSubrange(34..<38, with: [0x0F, 0xFF, 0xFF, 0xF0]); return bytes
            }
        ),
        (
            "agent id with no dictionary entry",
            { bytes in
                var bytes = bytes; bytes.replaceSubrange(2..<6, with: [0x7F, 0xFF, 0xFF, 0xFE]); return bytes
            }
        ),
        (
            "result body of bytes no encoder writes",
            { bytes in
                Array(bytes.prefix(NodeHeader.size)) + Array(repeating: 0xEE, count: bytes.count - NodeHeader.size)
            }
        ),
    ]

    @Test("node(id), nodes, recall and query throw corruption; verify names the node; the rest reads fine")
    func damagedRecords() throws {
        for damage in Self.damages {
            let store = TemporaryStore()
            defer { store.remove() }
            let graph = try store.open()
            defer { graph.close() }
            let ids = try graph.addNodes(
                (0..<20).map {
                    NodeDraft(
                        agentID: "agent", taskContext: "task-\($0 % 2)",
                        result: ["type": "fact", "confidence_score": 0.5, "text": .string("node \($0)")])
                })
            let victim = ids[6]
            try graph.environment.write { txn in
                let record = try #require(try txn.get(Array(victim.bytes), in: graph.schema.nodes))
                try txn.put(damage.damage(record), forKey: Array(victim.bytes), in: graph.schema.nodes)
            }

            expectError(.corruption) { try graph.node(victim) }
            expectError(.corruption) { try graph.nodes([ids[0], victim]) }
            expectError(.corruption) { try graph.recall(agentID: "agent", taskContext: "task-0") }
            var everything = MemoryQuery()
            everything.agentIDs = ["agent"]
            everything.limit = 100
            expectError(.corruption) { try graph.query(everything) }
            let report = try graph.verify()
            let expectedKind: VerificationProblem.Kind =
                damage.name.hasPrefix("agent id") ? .dictionaryMismatch : .undecodableRecord
            #expect(
                report.problems.contains { $0.kind == expectedKind && $0.detail.contains(victim.description) },
                "\(damage.name): \(report)")
            for id in ids where id != victim {
                #expect(try graph.node(id)?.id == id, "\(damage.name): an undamaged node became unreadable")
            }
            #expect(try graph.recall(agentID: "agent", taskContext: "task-1").count == 10)
        }
    }
}
