import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Persistence")
struct PersistenceTests {
    @Test("nodes, links, bundles and statistics survive close and reopen")
    func survivesReopen() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try store.open()
        let plan = try graph.addNode(
            agentID: "planner", taskContext: "trip-42", result: ["type": "plan", "confidence_score": 0.91],
            metadata: ["model": "m1"])
        let critique = try graph.addNode(
            agentID: "critic", taskContext: "trip-42", result: ["type": "critique"], links: [plan])
        let bundle = try graph.createBundle(
            taskID: "task-9", agentIDs: ["planner"], contexts: ["trip-42"], nodeIDs: [plan])
        let before = (
            try graph.nodes([plan, critique]), try graph.bundle(bundle), try graph.statistics()
        )
        graph.close()
        graph = try store.open()
        defer { graph.close() }
        #expect(try graph.nodes([plan, critique]) == before.0)
        #expect(try graph.bundle(bundle) == before.1)
        #expect(try graph.statistics() == before.2)
        #expect(try graph.backlinks(to: plan) == [critique])
        #expect(try graph.recall(agentID: "planner", taskContext: "trip-42").map(\.id) == [plan])
        // New strings interned after reopen get fresh ids (no collision with existing ones).
        let scout = try graph.addNode(agentID: "scout", taskContext: "trip-43", result: ["type": "observation"])
        #expect(try graph.node(scout)?.agentID == "scout")
        #expect(try graph.node(plan)?.agentID == "planner")
    }

    @Test("an ephemeral graph leaves no files behind")
    func ephemeralCleansUp() throws {
        let graph = try MemoryGraph.ephemeral()
        let path = graph.path
        try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "fact"])
        #expect(FileManager.default.fileExists(atPath: path + "/data.mdb"))
        graph.close()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a second open in the same process is refused clearly")
    func secondOpen() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        let error = expectError(.alreadyOpen) { try store.open() }
        #expect(error?.message.contains("share that MemoryGraph instance") == true)
    }

    @Test("a store of a newer schema version is refused")
    func newerSchema() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        try graph.environment.write { txn in
            try txn.put([0, 0, 0, 99], forKey: MetaKey.schemaVersion, in: graph.schema.meta)
        }
        graph.close()
        let error = expectError(.incompatibleSchema) { try store.open() }
        #expect(error?.message.contains("schema version 99") == true)
    }

    @Test(
        "a graph stops writing once another process upgrades the store, and keeps reading what it had",
        arguments: MemoryGraph.IndexUpdateStrategy.allCases)
    func upgradedWhileOpen(strategy: MemoryGraph.IndexUpdateStrategy) async throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.indexUpdateStrategy = strategy
        let graph = try store.open(configuration)
        defer { graph.close() }
        func markVersion(_ version: UInt32) throws {
            var bytes: [UInt8] = []
            bytes.appendBigEndian(version)
            try graph.environment.write { txn in
                try txn.put(bytes, forKey: MetaKey.schemaVersion, in: graph.schema.meta)
            }
        }
        // The other process's upgrade commits with this graph's last write, so that with `.lazy`
        // the node's index entries are still pending when the version changes.
        let node = try Validation.prepare(
            NodeDraft(agentID: "a", taskContext: "c", result: ["type": "fact"]), maximumPayloadSize: 1 << 20,
            now: Date())
        var bytes: [UInt8] = []
        bytes.appendBigEndian(Schema.version + 1)
        let upgrade = bytes
        let kept = try await graph.backend.writer.perform([
            WriteRequest { store in
                try store.insert([node], terms: [node.id: ["fact"]])
                try store.txn.put(upgrade, forKey: MetaKey.schemaVersion, in: store.schema.meta)
                return node.id
            }
        ])[0].get()

        // Concurrent writers (sharing transactions with group commit) all fail, and say why.
        let messages = await withTaskGroup(of: String?.self) { group in
            for index in 0..<64 {
                group.addTask {
                    do {
                        _ = try await graph.addNode(agentID: "p\(index)", taskContext: "c", result: [:])
                        return "written"
                    } catch let error as MemoryGraphError where error.code == .incompatibleSchema {
                        return error.message
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(messages.count == 64)
        #expect(messages.allSatisfy { $0?.contains("schema version \(Schema.version + 1)") == true }, "\(messages)")
        await #expect(throws: MemoryGraphError.self) {
            try await graph.addNodes((0..<3).map { NodeDraft(agentID: "b\($0)", taskContext: "c", result: [:]) })
        }
        // Reads go on, pending index entries or not.
        #expect(try await graph.statistics().nodes == 1)
        #expect(try await graph.node(kept)?.agentID == "a")
        #expect(try await graph.recall(agentID: "p0", taskContext: "c").isEmpty)
        #expect(try graph.verify().isClean)

        try markVersion(Schema.version)
        _ = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try await graph.statistics().nodes == 2)
    }

    @Test("a read-only graph reads while another handle writes, and refuses writes")
    func readOnly() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let writer = try store.open()
        let id = try writer.addNode(agentID: "a", taskContext: "c", result: ["type": "fact"])
        writer.close()
        var configuration = GraphOptions.testing
        configuration.readOnly = true
        let reader = try store.open(configuration)
        defer { reader.close() }
        #expect(try reader.node(id)?.type == "fact")
        expectError(.readOnly) { try reader.addNode(agentID: "a", taskContext: "c", result: [:]) }
    }

    @Test("the store is a plain LMDB environment with the documented databases")
    func plainLMDB() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "fact", "confidence_score": 0.5])
        graph.close()
        let environment = try Environment.open(path: store.path)
        defer { environment.close() }
        for (name, _) in Schema.layout + Schema.version5Layout + Schema.version6Layout {
            #expect(throws: Never.self) { try environment.openDatabase(name) }
        }
    }
}
