import Foundation
import LMDB
import MemoryGraphCore
import Testing

@testable import MemoryGraphLMDB

/// The change log as stored: its entries, its index by node, their verification and repair.
@Suite("Change log storage")
struct ChangeLogStorageTests {
    @Test("verify finds a missing, a wrong and a damaged log entry; repair rebuilds the index and history reads again")
    func verifyAndRepair() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let id = try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "plan"])
        try graph.updateNode(id, result: ["type": "fact"])
        try graph.updateNode(id, metadata: ["n": 1])
        let other = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try graph.removeNode(other))
        #expect(try graph.verify().isClean)
        let history = try graph.history(of: id)
        #expect(history.map(\.version) == [3, 2, 1])

        let log = try #require(graph.schema.log)
        let logByNode = try #require(graph.schema.logByNode)
        try graph.environment.write { txn in
            // The first update's entry (sequence 2) is no longer listed; a pair names no entry.
            _ = try txn.delete(Array(id.bytes), value: logKey(2), in: logByNode)
            _ = try txn.put(logKey(1), forKey: Array(other.bytes), in: logByNode)
            // A new entry that does not decode.
            _ = try txn.put([0xEE, 0, 0, 0, 0, 0, 0, 0, 0, 0], forKey: logKey(6), in: log)
        }
        #expect(try graph.history(of: id).map(\.version) == [3, 2], "the unlisted version is not found")
        let problems = try graph.verify().problems
        #expect(
            Set(problems.map(\.kind)) == [.missingIndexEntry, .orphanIndexEntry, .undecodableRecord])
        #expect(problems.contains { $0.database == "log.node" && $0.detail.contains("entry 2") }, "\(problems)")

        _ = try graph.repair()
        #expect(try graph.verify().isClean)
        #expect(try graph.history(of: id) == history)
        #expect(try graph.changePage().changes.map(\.sequence) == [1, 2, 3, 4, 5])
    }

    @Test("a change entry round-trips every field, and each truncation of it is reported, not misread")
    func entryEncoding() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let id = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let record = try #require(try graph.environment.read { try $0.get(Array(id.bytes), in: graph.schema.nodes) })
        let change = PendingChange(
            kind: .nodeUpdated, node: NodeID(), target: NodeID(), bundle: BundleID(), names: (7, 9), version: 42,
            previous: record)
        let time = Microseconds(1_760_000_000_123_456)
        let bytes = ChangeRecord.encode(change, committedAt: time)
        let decoded = try bytes.withUnsafeBytes { try ChangeRecord($0) }
        #expect(decoded.kind == .nodeUpdated && decoded.committedAt == time && decoded.version == 42)
        #expect(decoded.node == change.node && decoded.target == change.target && decoded.bundle == change.bundle)
        #expect(decoded.names?.agent == 7 && decoded.names?.context == 9)
        #expect(decoded.previousOffset.map { Array(bytes[$0...]) } == record)
        var bare = change
        bare.previous = nil
        let short = ChangeRecord.encode(bare, committedAt: time)
        for length in 0..<short.count {
            #expect(throws: RecordCorruption.self) {
                try Array(short[..<length]).withUnsafeBytes { try ChangeRecord($0) }
            }
        }
        #expect(throws: RecordCorruption.self) { try (short + [1]).withUnsafeBytes { try ChangeRecord($0) } }
    }
}
