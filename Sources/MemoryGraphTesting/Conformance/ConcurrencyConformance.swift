import Foundation
import MemoryGraphCore
import Testing

/// Concurrent writers and readers, and batches of mutations of which some fail: every
/// acknowledged write is present and indexed once, and a failing mutation fails alone, however
/// the backend groups writes into transactions.
public enum ConcurrencyConformance {
    /// 64 tasks adding and recalling at once: every acknowledged node is present, found by
    /// recall and queries exactly once, and counted.
    ///
    /// - Throws: When the store cannot be opened, or a write is refused.
    public static func concurrentAddsAndRecalls(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let (tasks, perTask) = (64, 20)
        let acknowledged = try await withThrowingTaskGroup(of: [NodeID].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var ids: [NodeID] = []
                    for index in 0..<perTask {
                        let id = try await graph.addNode(
                            agentID: "agent-\(task % 8)", taskContext: "ctx-\(task % 4)",
                            result: ["type": "fact", "confidence_score": .double(Double(index) / 20)])
                        ids.append(id)
                        let recalled = try await graph.recall(
                            agentID: "agent-\(task % 8)", taskContext: "ctx-\(task % 4)", limit: 5)
                        #expect(!recalled.isEmpty, "a node just acknowledged is not recalled")
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(acknowledged.count == tasks * perTask)
        #expect(Set(acknowledged).count == acknowledged.count)
        let statistics = try await graph.statistics()
        #expect(statistics.nodes == tasks * perTask)
        #expect(statistics.agents == 8 && statistics.contexts == 4 && statistics.types == 1, "\(statistics)")
        var recalled: [NodeID] = []
        for agent in 0..<8 {
            for context in 0..<4 {
                recalled += try await graph.recall(agentID: "agent-\(agent)", taskContext: "ctx-\(context)").map(\.id)
            }
        }
        #expect(recalled.count == acknowledged.count)
        #expect(Set(recalled) == Set(acknowledged))
        var query = MemoryQuery()
        query.types = ["fact"]
        query.minConfidence = 0.5
        query.limit = 10_000
        let confident = try await graph.queryIDs(query)
        #expect(confident.count == tasks * 10 && Set(confident).count == confident.count)
        #expect(try await graph.count(query) == tasks * 10)
    }

    /// 200 concurrent writers, every fifth linking to a node that does not exist: those fail
    /// alone with ``MemoryGraphError/Code/nodeNotFound``, the others are stored, and nothing of
    /// a failed write is.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func failingWritesStayAlone(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let missing = NodeID()
        let outcomes = await withTaskGroup(of: (Int, Result<NodeID, any Error>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let id = try await graph.addNode(
                            agentID: "a", taskContext: "c", result: ["n": .int(index)],
                            links: index % 5 == 0 ? [missing] : [])
                        return (index, .success(id))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 200)
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(let id):
                #expect(index % 5 != 0, "write \(index) linked to a missing node and was stored")
                #expect(try await graph.node(id)?.result["n"] == .int(index))
            case .failure(let error):
                let code = (error as? MemoryGraphError)?.code
                #expect(index % 5 == 0 && code == .nodeNotFound, "write \(index) failed: \(error)")
            }
        }
        let statistics = try await graph.statistics()
        #expect(statistics.nodes == 160 && statistics.links == 0, "\(statistics)")
        #expect(try await graph.recall(agentID: "a", taskContext: "c").count == 160)
    }

    /// One batch of mutations, straight to the store, of which some fail: each failing one
    /// fails alone with its own error, the others take effect in order (a later one sees an
    /// earlier one's node), and `addNodes` stores all its drafts or none.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func batchFailuresStayAlone(on subject: ConformanceSubject) async throws {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.maxNodesPerBundle = 3
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph
        let existing = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let (a, b, c, d, e, f) = (NodeID(), NodeID(), NodeID(), NodeID(), NodeID(), NodeID())
        func draft(_ id: NodeID, links: [NodeID] = []) -> NodeDraft {
            NodeDraft(
                id: id, agentID: "batch", taskContext: "c", result: ["type": "t"], links: links,
                timestamp: Date(microseconds: 1_760_000_000_000_000))
        }
        func bundle(_ id: BundleID, _ nodes: [NodeID]) -> MemoryBundle {
            MemoryBundle(
                id: id, taskID: "task", agentIDs: ["batch"], contexts: ["c"], nodeIDs: nodes,
                createdAt: Date(microseconds: 1_760_000_000_000_000))
        }
        let (kept, refused) = (BundleID(), BundleID())
        let batch: [GraphMutation] = [
            .addNodes([draft(a)]),
            .addNodes([draft(b), draft(c, links: [NodeID()])]),  // all or nothing: b is not stored
            .link(from: a, to: existing),  // sees a, added earlier in the batch
            .link(from: a, to: existing),
            .addNodes([draft(a)]),
            .link(from: existing, to: b),
            .createBundle(bundle(refused, [a, NodeID()])),
            .createBundle(bundle(kept, [a, existing])),
            .addToBundle(BundleID(), nodeIDs: [a]),
            .addToBundle(kept, nodeIDs: [existing, a]),
            .addNodes([draft(d), draft(e, links: [d, a])]),  // a draft may link to an earlier one
            .addToBundle(kept, nodeIDs: [d, e]),
            .addNodes([draft(f, links: [NodeID()])]),
            .setCreationTime(Date(timeIntervalSince1970: 1e10)),
            .removeNode(existing),
            .unlink(from: a, to: existing),
            .removeBundle(refused),
        ]
        let answers = await graph.store.apply(batch).map(StoreModelConformance.Run.answer)
        let expected: [Answer<MutationOutcome>] = [
            .value(.added([a])), .error(.nodeNotFound), .value(.changed(true)), .value(.changed(false)),
            .error(.duplicateID), .error(.nodeNotFound), .error(.nodeNotFound), .value(.bundleCreated(kept)),
            .error(.bundleNotFound), .value(.done), .value(.added([d, e])), .error(.bundleTooLarge),
            .error(.nodeNotFound), .error(.invalidArgument), .value(.changed(true)), .value(.changed(false)),
            .value(.changed(false)),
        ]
        #expect(answers.count == expected.count)
        for (index, (answer, want)) in zip(answers, expected).enumerated() {
            #expect(answer == want, "mutation \(index), \(batch[index])")
        }
        #expect(try await graph.nodes([a, b, c, d, e, f, existing]).map { $0?.id } == [a, nil, nil, d, e, nil, nil])
        #expect(try await graph.links(from: a).isEmpty)
        #expect(try await graph.links(from: e) == [a, d].sorted())
        #expect(try await graph.backlinks(to: a) == [e])
        #expect(try await graph.bundle(refused) == nil)
        #expect(try await graph.bundle(kept)?.nodeIDs == [a], "the removed node left the bundle")
        let statistics = try await graph.statistics()
        #expect(
            statistics == GraphStatistics(nodes: 3, agents: 1, contexts: 1, types: 1, links: 2, bundles: 1),
            "\(statistics)")
    }
}
