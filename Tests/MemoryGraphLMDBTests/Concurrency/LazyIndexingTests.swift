import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Lazy indexing")
struct LazyIndexingTests {
    @Test("an acknowledged node is in every read path at once, from any number of writers")
    func readsSeeAcknowledgedNodes() async throws {
        var configuration = GraphOptions.testing
        configuration.indexUpdateStrategy = .lazy
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        let id = try await graph.addNode(
                            agentID: "agent-\(writer)", taskContext: "ctx", result: ["type": "note", "n": .int(index)])
                        // Read back through the indexes right after the acknowledgement.
                        let recalled = try await graph.recall(agentID: "agent-\(writer)", taskContext: "ctx", limit: 1)
                        #expect(recalled.first?.id == id)
                        var query = MemoryQuery()
                        query.agentIDs = ["agent-\(writer)"]
                        query.types = ["note"]
                        #expect(try await graph.count(query) == index + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await graph.statistics().nodes == 400)
        #expect(!graph.backend.writer.hasUnindexedNodes)
    }

    @Test("removing a node that is not indexed yet leaves the counters right")
    func removeBeforeIndexing() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        let id = try Self.addWithoutIndexing(to: graph, agent: "solo")
        #expect(try graph.removeNode(id))
        #expect(try graph.statistics().agents == 0)
        graph.close()
    }

    @Test("nodes left unindexed when a store was closed are indexed when it opens")
    func indexedOnOpen() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try store.open()
        let id = try Self.addWithoutIndexing(to: graph, agent: "late")
        #expect(try graph.recall(agentID: "late", taskContext: "ctx").isEmpty, "not indexed yet")
        graph.close()
        graph = try store.open()
        defer { graph.close() }
        #expect(try graph.recall(agentID: "late", taskContext: "ctx").map(\.id) == [id])
        #expect(try graph.statistics().agents == 1)
    }

    /// Commits a node the way a lazy writer does, without scheduling its indexing.
    private static func addWithoutIndexing(to graph: MemoryGraph, agent: String) throws -> NodeID {
        let prepared = try Validation.prepare(
            NodeDraft(agentID: agent, taskContext: "ctx", result: [:]), maximumPayloadSize: 1 << 20, now: Date())
        let (schema, interner) = (graph.schema, graph.interner)
        var created: [InternSession.Created] = []
        try graph.environment.write { txn in
            var store = StoreTransaction(txn, schema: schema, interner: interner)
            store.defersIndexing = true
            try store.insert([prepared], terms: [:])
            created = store.createdNames
        }
        graph.interner.remember(created)
        return prepared.id
    }
}
