import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Another process")
struct CrossProcessTests {
    @Test("a read-only store keeps working while another process writes, and sees its commits")
    func readOnlyWhileAnotherProcessWrites() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let writer = try store.open()
        let original = try writer.addNode(
            agentID: "planner", taskContext: "trip-42", result: ["type": "plan", "confidence_score": 0.5])
        writer.close()

        var configuration = GraphOptions.testing
        configuration.readOnly = true
        let reader = try store.open(configuration)
        defer { reader.close() }
        let record = try #require(
            try reader.environment.read { txn in
                try original.withUnsafeBytes { try txn.get($0, in: reader.schema.nodes) }
            })

        // The other process copies the record under new ids, many commits while we read.
        var copies: [NodeID] = []
        for _ in 0..<5 {
            let copy = NodeID()
            copies.append(copy)
            try LMDBTools.put([(copy.bytes, record)], in: "nodes", at: store.path)
            #expect(try reader.node(original)?.agentID == "planner")
            let seen = try reader.node(copy)
            #expect(seen?.agentID == "planner" && seen?.result == ["type": "plan", "confidence_score": 0.5])
        }
        #expect(try reader.nodes(copies).allSatisfy { $0 != nil })
        #expect(try reader.statistics().nodes == 6)
        expectError(.readOnly) { try reader.addNode(agentID: "a", taskContext: "c", result: [:]) }
    }

    @Test("the store is a plain LMDB environment: mdb_stat -a and mdb_dump -a read every named database")
    func plainEnvironment() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        try graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
        graph.close()
        let output = try LMDBTools.run(["mdb_stat", "-a", store.path])
        for (name, _) in Schema.layout + Schema.version5Layout + Schema.version6Layout {
            #expect(output.contains("Status of \(name)\n"), "\(name) missing from mdb_stat -a")
        }
        let dump = try LMDBTools.run(["mdb_dump", "-a", store.path])
        for (name, _) in Schema.layout + Schema.version5Layout + Schema.version6Layout {
            #expect(dump.contains("database=\(name)\n"), "\(name) missing from mdb_dump -a")
        }
    }
}
