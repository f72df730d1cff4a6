import Foundation
import LMDB
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Node cache")
struct NodeCacheTests {
    @Test("repeated reads hit; the capacity bounds the entries and counts evictions")
    func hitsAndEvictions() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.cacheMaxSize = 8
        configuration.cacheAdmission = .all
        let graph = try store.open(configuration)
        defer { graph.close() }
        let ids = try graph.addNodes(
            (0..<20).map { NodeDraft(agentID: "a", taskContext: "c", result: ["n": .int($0)]) })
        for id in ids.prefix(4) { _ = try graph.node(id) }
        for id in ids.prefix(4) { #expect(try graph.node(id) != nil) }
        var statistics = graph.cacheStatistics
        #expect(statistics.misses == 4 && statistics.hits == 4 && statistics.evictions == 0)
        #expect(statistics.hitRate == 0.5)
        for id in ids { _ = try graph.node(id) }
        statistics = graph.cacheStatistics
        #expect(statistics.entries == 8 && statistics.capacity == 8)
        #expect(statistics.evictions == 4 + 16 - 8)
    }

    @Test("removal, links and unlinks are visible on the next read, never a stale copy")
    func neverStale() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        let a = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let b = try graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [a])
        let c = try graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [b])
        for id in [a, b, c] { _ = try graph.node(id) }
        try graph.link(from: a, to: c)
        #expect(try graph.node(a)?.links == [c])
        try graph.unlink(from: a, to: c)
        #expect(try graph.node(a)?.links == [])
        try graph.removeNode(b)
        #expect(try graph.node(b) == nil)
        #expect(try graph.node(c)?.links == [], "c linked to the removed node")
        #expect(graph.cacheStatistics.hits == 0, "every read after a change missed")
    }

    @Test("by default a node is cached on its second read, and marks age out")
    func repeatedReads() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.cacheMaxSize = 64
        let graph = try store.open(configuration)
        defer { graph.close() }
        #expect(graph.configuration.cacheAdmission == .repeated)
        let ids = try graph.addNodes(
            (0..<600).map { NodeDraft(agentID: "a", taskContext: "c", result: ["n": .int($0)]) })
        let hot = Array(ids.prefix(16))
        for id in hot { _ = try graph.node(id) }
        #expect(graph.cacheStatistics.entries <= 4, "a first read caches only on a hash collision")
        for id in hot { _ = try graph.node(id) }
        #expect(graph.cacheStatistics.entries >= 16)
        let before = graph.cacheStatistics.hits
        for id in hot { #expect(try graph.node(id) != nil) }
        #expect(graph.cacheStatistics.hits == before + 16)
        // Nodes read once each, many more than the cache holds, evict (almost) nothing.
        for id in ids.dropFirst(16) { _ = try graph.node(id) }
        #expect(graph.cacheStatistics.evictions <= 8, "\(graph.cacheStatistics)")
        for id in hot { #expect(try graph.node(id) != nil) }
        #expect(graph.cacheStatistics.hits >= before + 16 + 12)
    }

    @Test("a doorkeeper admits a key on its second read, and forgets its marks after twice the capacity")
    func doorkeeper() {
        var keeper = Doorkeeper(capacity: 64)
        var random = SplitMix64(seed: 0xD00E)
        let keys = (0..<64).map { _ in random.next() }
        #expect(keys.filter { keeper.admits($0) }.count <= 4, "first reads pass only on collisions")
        #expect(keys.allSatisfy { keeper.admits($0) })
        // After resetAfter further marks, the old marks are gone.
        for _ in 0..<keeper.resetAfter { _ = keeper.admits(random.next()) }
        #expect(keys.filter { keeper.admits($0) }.count <= 12)
    }

    @Test("the admission policy caches only confident nodes")
    func admission() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.cacheAdmission = .minConfidence(0.8)
        let graph = try store.open(configuration)
        defer { graph.close() }
        let sure = try graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": 0.8])
        let unsure = try graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": 0.79])
        let unknown = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        for _ in 0..<2 {
            for id in [sure, unsure, unknown] { _ = try graph.node(id) }
        }
        #expect(graph.cacheStatistics.entries == 1 && graph.cacheStatistics.hits == 1)
    }

    @Test("a write by another process empties the cache before the next read returns")
    func anotherProcessWrites() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.cacheAdmission = .all
        let graph = try store.open(configuration)
        defer { graph.close() }
        let first = try graph.addNode(agentID: "planner", taskContext: "c", result: ["v": 1])
        let second = try graph.addNode(agentID: "critic", taskContext: "c", result: ["v": 2])
        #expect(try graph.node(first)?.agentID == "planner")
        #expect(try graph.node(first)?.agentID == "planner")
        #expect(graph.cacheStatistics.hits == 1)
        // Another process replaces the record of `first` with that of `second`.
        let record = try #require(
            try graph.environment.read { txn in try second.withUnsafeBytes { try txn.get($0, in: graph.schema.nodes) } }
        )
        try LMDBTools.put([(first.bytes, record)], in: "nodes", at: store.path)
        let seen = try graph.node(first)
        #expect(seen?.agentID == "critic" && seen?.result == ["v": 2])
        #expect(graph.cacheStatistics.externalInvalidations == 1)
        // Our own writes afterwards are not mistaken for another process's.
        try graph.addNode(agentID: "planner", taskContext: "c", result: [:])
        _ = try graph.node(second)
        _ = try graph.node(second)
        #expect(graph.cacheStatistics.externalInvalidations == 1)
    }

    @Test("invalid cache settings are refused at open")
    func configuration() {
        var configuration = GraphOptions.testing
        configuration.cacheMaxSize = 0
        expectError(.invalidConfiguration) { try MemoryGraph.ephemeral(configuration: configuration) }
        configuration.cacheMaxSize = -1
        configuration.enableCaching = false
        expectError(.invalidConfiguration) { try MemoryGraph.ephemeral(configuration: configuration) }
        configuration.cacheMaxSize = 0
        #expect(throws: Never.self) { try MemoryGraph.ephemeral(configuration: configuration).close() }
    }
}
