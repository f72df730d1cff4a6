import Foundation
import InMemoryLogging
import Logging
import MemoryGraph
import MetricsTestKit
import Testing

@Suite("Metrics and logging")
struct ObservabilityTests {
    @Test("operations, commits, cache use and gauges reach the configured metrics factory")
    func metrics() throws {
        let factory = TestMetrics()
        var configuration = GraphOptions.testing
        configuration.metricsFactory = factory
        configuration.cacheAdmission = .all
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let first = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let second = try graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [first])
        _ = try graph.node(second)
        _ = try graph.node(second)
        _ = try graph.recall(agentID: "a", taskContext: "c")

        func operations(_ name: String) throws -> Int64 {
            try factory.expectCounter("memory_graph_operations_total", [("operation", name)]).totalValue
        }
        #expect(try operations("addNode") == 2)
        #expect(try operations("node") == 2)
        #expect(try operations("recall") == 1)
        #expect(
            try factory.expectTimer("memory_graph_operation_duration_seconds", [("operation", "node")]).values.count
                == 2)
        #expect(try factory.expectCounter("memory_graph_commits_total").totalValue == 2)
        #expect(try factory.expectCounter("memory_graph_cache_hits_total").totalValue == 2)  // node + recall
        #expect(try factory.expectCounter("memory_graph_cache_misses_total").totalValue == 2)
        #expect(try factory.expectRecorder("memory_graph_writes_per_commit").values == [1, 1])
        #expect(try factory.expectGauge("memory_graph_nodes").lastValue == 2)
        #expect(try factory.expectGauge("memory_graph_map_size_bytes").lastValue.map { $0 > 0 } == true)
        #expect(try factory.expectGauge("memory_graph_used_bytes").lastValue.map { $0 > 0 } == true)
    }

    @Test("with metrics off nothing is created or recorded")
    func metricsOff() throws {
        let factory = TestMetrics()
        var configuration = GraphOptions.testing
        configuration.metricsFactory = factory
        configuration.enableMetrics = false
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let id = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        _ = try graph.node(id)
        #expect(factory.counters.isEmpty && factory.timers.isEmpty && factory.recorders.isEmpty)
    }

    @Test("each mutation logs one debug entry with ids and names, never the payload")
    func logging() throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .debug
        var configuration = GraphOptions.testing
        configuration.logger = logger
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let ids = try graph.addNodes([
            NodeDraft(agentID: "planner", taskContext: "trip-42", result: ["secret": "do-not-log"]),
            NodeDraft(agentID: "critic", taskContext: "trip-43", result: [:], metadata: ["secret": "do-not-log"]),
        ])
        try graph.link(from: ids[0], to: ids[1])
        try graph.removeNode(ids[1])
        _ = try graph.node(ids[0])  // reads are not logged

        let entries = handler.entries
        #expect(
            entries.map { $0.metadata["operation"]?.description } == ["addNodes", "addNodes", "link", "removeNode"])
        #expect(entries.allSatisfy { $0.level == .debug && $0.metadata["duration"] != nil })
        #expect(entries[0].metadata["node_id"]?.description == ids[0].description)
        #expect(entries[1].metadata["agent_id"]?.description == "critic")
        #expect(entries[1].metadata["task_context"]?.description == "trip-43")
        #expect(entries[3].metadata["node_id"]?.description == ids[1].description)
        #expect(!entries.contains { "\($0.message) \($0.metadata)".contains("do-not-log") })
    }

    @Test("at the default info level nothing is logged for mutations")
    func quietByDefault() throws {
        let handler = InMemoryLogHandler()
        var configuration = GraphOptions.testing
        configuration.logger = Logger(label: "test", factory: { _ in handler })
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(handler.entries.isEmpty)
    }

    @Test("the performance report counts what happened and encodes as JSON")
    func performanceReport() throws {
        var configuration = GraphOptions.testing
        configuration.indexUpdateStrategy = .batch
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let ids = try graph.addNodes(
            (0..<30).map {
                NodeDraft(agentID: "agent-\($0 % 3)", taskContext: "ctx-\($0 % 2)", result: ["confidence_score": 0.9])
            })
        try graph.createBundle(taskID: "t", nodeIDs: Array(ids.prefix(3)))
        for id in ids { _ = try graph.node(id) }
        for id in ids { _ = try graph.node(id) }
        var query = MemoryQuery()
        query.agentIDs = ["agent-1"]
        for _ in 0..<7 { _ = try graph.query(query) }
        _ = try graph.count(query)
        _ = try graph.queryIDs(query)

        let report = try graph.performanceReport()
        #expect(report.nodes == 30 && report.agents == 3 && report.contexts == 2 && report.bundles == 1)
        #expect(report.writes == 2 && report.commits == 2)
        #expect(report.queries == 9)
        #expect(report.queryP50Microseconds > 0 && report.queryP99Microseconds >= report.queryP50Microseconds)
        #expect(report.cacheHitRate > 0.4 && report.cacheHitRate < 1)
        #expect(report.storageBytes > 0)
        #expect(report.memoryMegabytes > 1)
        let decoded = try JSONDecoder().decode(PerformanceReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
        #expect(report.description.contains("nodes 30 · agents 3 · contexts 2 · bundles 1"))
        #expect(report.description.contains("writes 2 in 2 commits"))
    }
}
