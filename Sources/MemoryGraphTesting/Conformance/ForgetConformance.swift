import Foundation
import MemoryGraphCore
import Testing

/// Forgetting: every node of a subject goes, in several batches, with everything that refers to
/// it; only the change log remembers it.
public enum ForgetConformance {
    /// `forget` removes every matching node — more than one batch of them — with its links
    /// both ways and its bundle memberships, logs each removal, and leaves the rest untouched.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func forget(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let kept = try await graph.addNode(agentID: "keeper", taskContext: "trip-1", result: ["type": "plan"])
        let count = MemoryGraph.forgetBatchSize * 2 + 17
        var drafts: [NodeDraft] = []
        for index in 0..<count {
            drafts.append(
                NodeDraft(
                    agentID: "gossip", taskContext: index % 2 == 0 ? "trip-1" : "trip-2",
                    result: ["type": "rumour", "n": .int(index)], links: index % 100 == 0 ? [kept] : []))
        }
        let forgotten = try await graph.addNodes(drafts)
        try await graph.link(from: kept, to: forgotten[5])
        try await graph.updateNode(forgotten[5], metadata: ["revised": true])
        let bundle = try await graph.createBundle(taskID: "task-1", nodeIDs: [kept, forgotten[0], forgotten[1]])
        let other = try await graph.addNode(agentID: "keeper", taskContext: "trip-2", result: ["type": "fact"])
        let start = try await graph.currentSequence()

        #expect(try await graph.forget(agentID: "nobody") == 0)
        #expect(try await graph.forget(agentID: "gossip") == count)
        #expect(try await graph.nodes(forgotten).allSatisfy { $0 == nil })
        #expect(try await graph.count(MemoryQuery()) == 2)
        let byType: MemoryQuery = {
            var query = MemoryQuery()
            query.types = ["rumour"]
            return query
        }()
        #expect(try await graph.queryIDs(byType).isEmpty)
        #expect(try await graph.recall(agentID: "gossip", taskContext: "trip-1").isEmpty)
        #expect(try await graph.links(from: kept).isEmpty)
        #expect(try await graph.backlinks(to: kept).isEmpty)
        #expect(try await graph.bundle(bundle)?.nodeIDs == [kept])
        let statistics = try await graph.statistics()
        #expect(statistics.nodes == 2 && statistics.links == 0 && statistics.agents == 1, "\(statistics)")
        #expect(try await graph.node(other) != nil)

        // Only the log remembers: one removal each, and the revised node's versions.
        var removals = 0
        for try await change in graph.changes(after: start, follow: false) {
            #expect(change.kind == .nodeRemoved && change.agentID == "gossip")
            removals += 1
        }
        #expect(removals == count)
        #expect(try await graph.history(of: forgotten[5]).map(\.version) == [2, 1])

        // By context, and by a query; an invalid query is refused before anything is removed.
        let again = try await graph.addNodes(
            drafts.prefix(10).map { draft in
                var fresh = draft
                fresh.id = nil
                return fresh
            })
        #expect(try await graph.forget(taskContext: "trip-2") == 6)
        var query = MemoryQuery()
        query.agentIDs = ["gossip"]
        query.minConfidence = .nan
        await expectError(.invalidArgument) { try await graph.forget(matching: query) }
        query.minConfidence = nil
        query.limit = 1
        #expect(try await graph.forget(matching: query) == 5, "the query's own limit plays no part")
        #expect(try await graph.nodes(again).allSatisfy { $0 == nil })
        #expect(try await graph.node(kept) != nil)
    }
}
