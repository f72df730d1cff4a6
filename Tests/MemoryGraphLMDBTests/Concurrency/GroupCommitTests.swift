import Dispatch
import Foundation
import MemoryGraph
import MetricsTestKit
import Testing

import struct NIOConcurrencyHelpers.NIOLockedValueBox

@Suite("Group commit")
struct GroupCommitTests {
    private static func open(_ strategy: MemoryGraph.IndexUpdateStrategy, _ factory: TestMetrics) throws -> MemoryGraph
    {
        var options = GraphOptions.testing
        options.indexUpdateStrategy = strategy
        options.metricsFactory = factory
        return try MemoryGraph.ephemeral(configuration: options)
    }

    @Test("1 000 concurrent writers commit in far fewer transactions, and every write is visible")
    func concurrentWriters() async throws {
        let factory = TestMetrics()
        let graph = try Self.open(.batch, factory)
        defer { graph.close() }
        let anchor = try await graph.addNode(agentID: "anchor", taskContext: "c", result: [:])
        let ids = try await withThrowingTaskGroup(of: NodeID.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    try await graph.addNode(
                        agentID: "agent-\(index % 10)", taskContext: "ctx-\(index % 7)", result: ["n": .int(index)],
                        links: [anchor])
                }
            }
            return try await group.reduce(into: [NodeID]()) { $0.append($1) }
        }
        let commits = try factory.expectCounter("memory_graph_commits_total").totalValue - 1
        let sizes = try factory.expectRecorder("memory_graph_writes_per_commit").values.dropFirst()
        #expect(commits < 500, "1 000 writes took \(commits) commits")
        #expect(sizes.reduce(0, +) == 1_000)
        #expect(sizes.contains { $0 > 1 })
        #expect(Set(ids).count == 1_000)
        #expect(try await graph.nodes(ids).allSatisfy { $0 != nil })
        #expect(Set(try await graph.backlinks(to: anchor)) == Set(ids))
        var recalled = 0
        for agent in 0..<10 {
            for context in 0..<7 {
                recalled += try await graph.recall(agentID: "agent-\(agent)", taskContext: "ctx-\(context)").count
            }
        }
        #expect(recalled == 1_000)
    }

    @Test("threads whose writes fail share group commits with the others, and fail alone")
    func failuresStayAlone() throws {
        let factory = TestMetrics()
        let graph = try Self.open(.batch, factory)
        defer { graph.close() }
        let missing = NodeID()
        let outcomes = ConcurrentOutcomes()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            do {
                // Every fifth write links to a node that does not exist: checked in the transaction.
                let id = try graph.addNode(
                    agentID: "a", taskContext: "c", result: ["n": .int(index)],
                    links: index % 5 == 0 ? [missing] : [])
                outcomes.add(index, .success(id))
            } catch {
                outcomes.add(index, .failure(error))
            }
        }
        let all = outcomes.all
        #expect(all.count == 200)
        for (index, outcome) in all {
            switch outcome {
            case .success(let id):
                #expect(index % 5 != 0)
                #expect(try graph.node(id)?.result["n"] == .int(index))
            case .failure(let error):
                #expect(index % 5 == 0)
                #expect((error as? MemoryGraphError)?.code == .nodeNotFound)
            }
        }
        #expect(try graph.statistics().nodes == 160)
        let sizes = try factory.expectRecorder("memory_graph_writes_per_commit").values
        #expect(sizes.reduce(0, +) == 160, "every committed write is counted once")
        #expect(try graph.backend.usage().writes == 160)
    }

    @Test("immediate mode commits once per write")
    func immediate() async throws {
        let factory = TestMetrics()
        let graph = try Self.open(.immediate, factory)
        defer { graph.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { try await graph.addNode(agentID: "a", taskContext: "c", result: ["n": .int(index)]) }
            }
            try await group.waitForAll()
        }
        #expect(try factory.expectCounter("memory_graph_commits_total").totalValue == 50)
        #expect(try factory.expectRecorder("memory_graph_writes_per_commit").values.allSatisfy { $0 == 1 })
    }
}

/// Outcomes recorded from many threads.
private final class ConcurrentOutcomes: Sendable {
    private let storage = NIOLockedValueBox<[(Int, Result<NodeID, any Error>)]>([])

    func add(_ index: Int, _ outcome: Result<NodeID, any Error>) {
        storage.withLockedValue { $0.append((index, outcome)) }
    }

    var all: [(Int, Result<NodeID, any Error>)] { storage.withLockedValue { $0 } }
}
