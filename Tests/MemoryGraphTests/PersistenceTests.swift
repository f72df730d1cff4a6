import Foundation
import LMDB
import Synchronization
import Testing

@testable import MemoryGraph

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
        "a graph stops writing once another process upgrades the store, and keeps what it had",
        arguments: [MemoryGraph.IndexUpdateStrategy.immediate, .batch])
    func upgradedWhileOpen(strategy: MemoryGraph.IndexUpdateStrategy) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = MemoryGraph.Configuration.testing
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
        let kept = try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "fact"])
        try markVersion(Schema.version + 1)

        let error = expectError(.incompatibleSchema) {
            try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "fact"])
        }
        #expect(error?.message.contains("schema version \(Schema.version + 1)") == true)
        expectError(.incompatibleSchema) {
            try graph.addNodes((0..<3).map { NodeDraft(agentID: "b\($0)", taskContext: "c", result: [:]) })
        }
        // Concurrent writes, which group commit puts in shared transactions, fail alike.
        let failures = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                _ = try graph.addNode(agentID: "p\(index)", taskContext: "c", result: [:])
            } catch let error as MemoryGraphError where error.code == .incompatibleSchema {
                failures.add(1, ordering: .relaxed)
            } catch {}
        }
        #expect(failures.load(ordering: .relaxed) == 16)
        #expect(try graph.statistics().nodes == 1)
        #expect(try graph.node(kept)?.agentID == "a")
        #expect(try graph.verify().isClean)

        try markVersion(Schema.version)
        _ = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try graph.statistics().nodes == 2)
    }

    @Test("a read-only graph reads while another handle writes, and refuses writes")
    func readOnly() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let writer = try store.open()
        let id = try writer.addNode(agentID: "a", taskContext: "c", result: ["type": "fact"])
        writer.close()
        var configuration = MemoryGraph.Configuration.testing
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
        for (name, _) in Schema.layout {
            #expect(throws: Never.self) { try environment.openDatabase(name) }
        }
    }
}
