import Dispatch
import Foundation
import MemoryGraph
import NIOConcurrencyHelpers
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Threads on the synchronous API, whose writes wait for the LMDB writer's commit under each
/// index update strategy. The `async` form, for every backend, is the conformance suite's
/// (`ConcurrencyConformance`).
@Suite("Store concurrency")
struct StoreConcurrencyTests {
    @Test(
        "64 threads adding and recalling at once: every acknowledged node is present and indexed once",
        arguments: MemoryGraph.IndexUpdateStrategy.allCases)
    func concurrentAddsAndRecalls(strategy: MemoryGraph.IndexUpdateStrategy) throws {
        var options = GraphOptions.testing
        options.indexUpdateStrategy = strategy
        let graph = try MemoryGraph.ephemeral(configuration: options)
        defer { graph.close() }
        let perThread = 20
        let acknowledged = NIOLockedValueBox<[NodeID]>([])
        let failures = NIOLockedValueBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 64) { thread in
            do {
                for index in 0..<perThread {
                    let id = try graph.addNode(
                        agentID: "agent-\(thread % 8)", taskContext: "ctx-\(thread % 4)",
                        result: ["type": "fact", "confidence_score": .double(Double(index) / 20)])
                    acknowledged.withLockedValue { $0.append(id) }
                    let recalled = try graph.recall(agentID: "agent-\(thread % 8)", taskContext: "ctx-\(thread % 4)")
                    if !recalled.contains(where: { $0.id == id }) {
                        failures.withLockedValue { $0.append("thread \(thread): \(id) acknowledged, not recalled") }
                    }
                }
            } catch {
                failures.withLockedValue { $0.append("thread \(thread): \(error)") }
            }
        }
        #expect(failures.withLockedValue { $0 }.isEmpty, "\(failures.withLockedValue { $0.prefix(5) })")
        let ids = acknowledged.withLockedValue { $0 }
        #expect(ids.count == 64 * perThread && Set(ids).count == ids.count)
        let stats = try graph.statistics()
        #expect(stats.nodes == 64 * perThread)
        #expect(stats.agents == 8 && stats.contexts == 4 && stats.types == 1)
        var recalled: [NodeID] = []
        for agent in 0..<8 {
            for context in 0..<4 {
                recalled += try graph.recall(agentID: "agent-\(agent)", taskContext: "ctx-\(context)").map(\.id)
            }
        }
        #expect(recalled.count == ids.count)
        #expect(Set(recalled) == Set(ids))
    }
}
