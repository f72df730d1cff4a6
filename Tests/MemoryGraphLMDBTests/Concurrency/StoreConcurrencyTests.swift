import Foundation
import Testing

import MemoryGraph
@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Store concurrency")
struct StoreConcurrencyTests {
    @Test("64 tasks adding and recalling at once: every acknowledged node is present and indexed once")
    func concurrentAddsAndRecalls() async throws {
        let graph = try MemoryGraph.ephemeral()
        defer { graph.close() }
        let perTask = 20
        let acknowledged = try await withThrowingTaskGroup(of: [NodeID].self) { group in
            for task in 0..<64 {
                group.addTask {
                    var ids: [NodeID] = []
                    for index in 0..<perTask {
                        let id = try await graph.addNode(
                            agentID: "agent-\(task % 8)", taskContext: "ctx-\(task % 4)",
                            result: ["type": "fact", "confidence_score": .double(Double(index) / 20)])
                        ids.append(id)
                        let recalled = try await graph.recall(
                            agentID: "agent-\(task % 8)", taskContext: "ctx-\(task % 4)", limit: 5)
                        #expect(!recalled.isEmpty)
                    }
                    return ids
                }
            }
            var all: [NodeID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(acknowledged.count == 64 * perTask)
        #expect(Set(acknowledged).count == acknowledged.count)
        let stats = try await graph.statistics()
        #expect(stats.nodes == 64 * perTask)
        #expect(stats.agents == 8 && stats.contexts == 4 && stats.types == 1)
        var recalled: [NodeID] = []
        for agent in 0..<8 {
            for context in 0..<4 {
                recalled += try await graph.recall(agentID: "agent-\(agent)", taskContext: "ctx-\(context)").map(\.id)
            }
        }
        #expect(recalled.count == acknowledged.count)
        #expect(Set(recalled) == Set(acknowledged))
    }
}
