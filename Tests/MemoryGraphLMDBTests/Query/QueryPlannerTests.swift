import Foundation
import MemoryGraph
import Testing

@Suite("Query planner")
struct QueryPlannerTests {
    /// 2 000 nodes of agent "busy" in context "big", 6 of agent "rare" (3 in "big"), 12 of type
    /// "verdict", one day apart from a fixed start; node 0 is linked to by 4 nodes.
    private static func skewedStore(_ body: (MemoryGraph, [NodeID]) throws -> Void) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var drafts: [NodeDraft] = []
        var ids: [NodeID] = []
        for index in 0..<2_006 {
            let id = NodeID()
            let rare = index >= 2_000
            drafts.append(
                NodeDraft(
                    id: id, agentID: rare ? "rare" : "busy", taskContext: rare && index % 2 == 0 ? "small" : "big",
                    result: [
                        "type": index % 167 == 0 ? "verdict" : "note",
                        "confidence_score": .double(Double(index % 1000) / 1000),
                    ],
                    links: (1...4).contains(index) ? [ids[0]] : [],
                    timestamp: start.addingTimeInterval(Double(index) * 60)))
            ids.append(id)
        }
        try graph.addNodes(drafts)
        try body(graph, ids)
    }

    @Test("the most selective index drives, and the figures are what was read")
    func selectiveDriver() throws {
        try Self.skewedStore { graph, ids in
            var query = MemoryQuery()
            query.agentIDs = ["rare"]
            query.contexts = ["big"]
            var plan = try graph.explain(query)
            #expect(plan.accessPath == "idx.agent_context")
            #expect(plan.candidatesExamined == 3 && plan.recordsChecked == 0 && plan.returned == 3)
            #expect(plan.estimates.first { $0.accessPath == "idx.agent_context" }?.estimatedCandidates == 3)
            // A few (agent, context) lists hold a subset of both single lists: those are not counted.
            #expect(plan.estimates.map(\.accessPath) == ["idx.agent_context", "idx.time"], "\(plan)")

            query = MemoryQuery()
            query.agentIDs = ["busy", "rare"]
            query.types = ["verdict"]
            plan = try graph.explain(query)
            #expect(plan.accessPath == "idx.type")
            #expect(plan.candidatesExamined == 13)
            #expect(plan.estimates.first { $0.accessPath == "idx.agent (2 lists)" }?.estimatedCandidates == 2_006)

            query = MemoryQuery()
            query.contexts = ["big"]
            query.linkedTo = ids[0]
            plan = try graph.explain(query)
            #expect(plan.accessPath == "links.in")
            #expect(plan.candidatesExamined == 4 && plan.returned == 4)

            query = MemoryQuery()
            query.minConfidence = 0.998
            plan = try graph.explain(query)
            #expect(plan.accessPath == "idx.confidence")
            #expect(plan.candidatesExamined == 4 && plan.returned == 4, "\(plan)")  // 998, 999, 1998, 1999
        }
    }

    @Test("a narrow time window reads only its slice of idx.time, and stops at the limit")
    func timeWindow() throws {
        try Self.skewedStore { graph, _ in
            let start = Date(timeIntervalSince1970: 1_780_000_000)
            var query = MemoryQuery()
            query.timeRange = start.addingTimeInterval(600)..<start.addingTimeInterval(1_200)
            var plan = try graph.explain(query)
            #expect(plan.accessPath == "idx.time")
            #expect(plan.returned == 10 && plan.candidatesExamined == 10)
            #expect(
                plan.estimates.first { $0.accessPath == "idx.time" }.map { (5...20).contains($0.estimatedCandidates) }
                    == true)

            query = MemoryQuery()
            query.agentIDs = ["busy"]
            query.limit = 5
            plan = try graph.explain(query)
            #expect(plan.candidatesExamined == 6, "the limit plus one to know whether a next page exists")
            #expect(try graph.count(query) == 2_000)
        }
    }

    @Test("a criterion that matches nothing reads nothing")
    func emptyCriteria() throws {
        try Self.skewedStore { graph, _ in
            for tweak in [
                { (query: inout MemoryQuery) in query.agentIDs = [] },
                { $0.agentIDs = ["nobody"] },
                {
                    $0.minConfidence = 0.9; $0.maxConfidence = 0.1
                },
                {
                    $0.timeRange =
                        Date(timeIntervalSince1970: 1_780_000_600)..<Date(timeIntervalSince1970: 1_780_000_600)
                },
                { $0.linkedFrom = NodeID() },
            ] {
                var query = MemoryQuery()
                tweak(&query)
                let plan = try graph.explain(query)
                #expect(plan.candidatesExamined == 0 && plan.returned == 0)
                #expect(try graph.query(query).nodes.isEmpty)
                #expect(try graph.count(query) == 0)
            }
        }
    }

    @Test("explain prints the path, the estimates, the steps and the figures")
    func explainText() throws {
        try Self.skewedStore { graph, _ in
            var query = MemoryQuery()
            query.agentIDs = ["busy"]
            query.minConfidence = 0.5
            let text = try graph.explain(query).description
            #expect(text.contains("access path: "))
            #expect(text.contains("estimates:"))
            #expect(text.contains("check on the index entry: confidence") || text.contains("idx.confidence"))
            #expect(text.contains("returned"))
        }
    }

    @Test("bad limits, bounds and foreign cursors are clear errors")
    func badInput() throws {
        try Self.skewedStore { graph, _ in
            var query = MemoryQuery()
            query.limit = 0
            expectError(.invalidArgument) { try graph.query(query) }
            query.limit = 10
            query.minConfidence = .nan
            expectError(.invalidArgument) { try graph.count(query) }
            query.minConfidence = nil
            let cursor = try #require(try graph.query(query).nextCursor)
            var other = query
            other.agentIDs = ["busy"]
            expectError(.invalidCursor) { try graph.query(other, after: cursor) }
            #expect(QueryCursor(cursor.description) == cursor)
            #expect(QueryCursor("not a cursor") == nil)
            #expect(QueryCursor("") == nil)
            var limitOnly = query
            limitOnly.limit = 3
            #expect(
                try graph.query(limitOnly, after: cursor).nodes.count == 3,
                "the limit is not part of the query's identity")
        }
    }
}
