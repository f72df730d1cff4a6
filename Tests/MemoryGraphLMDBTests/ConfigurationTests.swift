import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Configuration")
struct ConfigurationTests {
    @Test("storagePath opens the store there; persistent storage without a path is refused")
    func storagePath() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.storagePath = store.path
        var graph = try MemoryGraph(configuration: configuration)
        let id = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        graph.close()
        graph = try MemoryGraph(path: store.path, configuration: .testing)
        #expect(try graph.node(id) != nil)
        graph.close()

        configuration.storagePath = nil
        expectError(.invalidConfiguration) { try MemoryGraph(configuration: configuration) }
        configuration.storagePath = ""
        expectError(.invalidConfiguration) { try MemoryGraph(configuration: configuration) }
    }

    @Test("without persistent storage the store is temporary and removed on close")
    func temporaryStore() throws {
        var configuration = GraphOptions.testing
        configuration.enablePersistentStorage = false
        let graph = try MemoryGraph(configuration: configuration)
        try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(FileManager.default.fileExists(atPath: graph.path))
        graph.close()
        #expect(!FileManager.default.fileExists(atPath: graph.path))
    }

    @Test("with async operations off the async forms throw and the synchronous ones work")
    func asyncDisabled() async throws {
        var configuration = GraphOptions.testing
        configuration.enableAsyncOperations = false
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let id = try syncAdd(graph)
        await #expect(throws: MemoryGraphError.self) { try await graph.node(id) }
        await #expect(throws: MemoryGraphError.self) {
            try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        }
        do {
            _ = try await graph.query(MemoryQuery())
            Issue.record("the async query ran")
        } catch {
            #expect((error as? MemoryGraphError)?.code == .asyncDisabled)
        }
        #expect(try syncStatistics(graph).nodes == 1)
    }

    @Test("maxReaders sets the reader slots; caching off keeps nothing")
    func readersAndCaching() throws {
        var configuration = GraphOptions.testing
        configuration.maxReaders = 3
        configuration.enableCaching = false
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        #expect(try graph.environment.info().maximumReaders == 3)
        let id = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        for _ in 0..<3 { #expect(try graph.node(id) != nil) }
        #expect(
            graph.cacheStatistics
                == MemoryGraph.CacheStatistics(
                    hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0))
    }

    @Test("durability reaches LMDB's sync flags", arguments: MemoryGraph.Durability.allCases)
    func durability(_ durability: MemoryGraph.Durability) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions()
        configuration.durability = durability
        let graph = try store.open(configuration)
        defer { graph.close() }
        #expect(try graph.environment.activeDurability().rawValue == durability.rawValue)
    }

    private func syncAdd(_ graph: MemoryGraph) throws -> NodeID {
        try graph.addNode(agentID: "a", taskContext: "c", result: [:])
    }

    private func syncStatistics(_ graph: MemoryGraph) throws -> GraphStatistics {
        try graph.statistics()
    }
}
