import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Queries and traversals over a larger random graph (``RandomGraphData``): every answer as
/// the brute-force reference gives it, every page of every query walked, and paging that stays
/// correct while nodes are added between pages.
public enum QueryConformance {
    /// Random queries: `count`, `queryIDs`, every page and the plan's figures must match the
    /// reference; pages must be full but the last, in order, and as many as the limit gives.
    ///
    /// - Throws: When a store cannot be opened or written.
    public static func randomQueries(
        on subject: ConformanceSubject, seed: UInt64, nodes: Int = 2_000, rounds: Int = 300
    )
        async throws
    {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: seed)
        let data = try RandomGraphData(count: nodes, using: &random)
        try await data.write(to: graph)
        for round in 0..<rounds {
            var query = data.randomQuery(using: &random)
            let context: Comment = "seed \(seed), round \(round): \(query)"
            let expected = try data.expected(query)
            #expect(try await graph.count(query) == expected.count, context)
            #expect(try await graph.queryIDs(query) == Array(expected.prefix(query.limit)), context)
            // Walk every page; keep the walk short by raising tiny limits on big results.
            query.limit = max(query.limit, expected.count / 12)
            var walked: [MemoryNode] = []
            var page = try await graph.query(query)
            var pages = 1
            while true {
                #expect(page.nodes.count <= query.limit, context)
                walked += page.nodes
                guard let cursor = page.nextCursor else { break }
                #expect(page.nodes.count == query.limit, "only a full page has a next one; \(context)")
                page = try await graph.query(query, after: cursor)
                pages += 1
            }
            #expect(walked.map(\.id) == expected, context)
            #expect(pages == max(1, (expected.count + query.limit - 1) / query.limit), context)
            #expect(
                try await data.reference.nodes(expected) == walked.map { Optional($0) },
                "the nodes themselves; \(context)")
            let plan = try await graph.explain(query)
            #expect(plan.returned == min(expected.count, query.limit), "\(plan); \(context)")
            #expect(plan.matched >= plan.returned && plan.matched <= query.limit + 1, "\(plan); \(context)")
        }
    }

    /// Nodes added between pages, ahead of a walk and behind it: no node comes twice, every node
    /// present at the start comes, every node added ahead comes, and the order holds.
    ///
    /// - Throws: When a store cannot be opened or written.
    public static func pagingUnderWrites(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: 21)
        let data = try RandomGraphData(count: 600, using: &random)
        try await data.write(to: graph)
        var added = 0
        for order in [MemoryQuery.Order.newestFirst, .oldestFirst] {
            var query = MemoryQuery()
            query.contexts = ["context-0", "context-1"]
            query.order = order
            query.limit = 10_000
            let before = try await graph.queryIDs(query)
            query.limit = 7
            var walked: [NodeID] = []
            var page = try await graph.query(query)
            var ahead = 0
            while true {
                walked += page.nodes.map(\.id)
                guard let cursor = page.nextCursor else { break }
                // A node later than every other (behind a newest-first walk, ahead of an
                // oldest-first one) and one earlier than every other (the other way round).
                added += 1
                for seconds in [45 * 86_400 + Double(added), -86_400 - Double(added)] {
                    try await graph.addNode(
                        agentID: "late", taskContext: "context-0", result: ["n": .int(added)],
                        timestamp: RandomGraphData.start.addingTimeInterval(seconds))
                }
                ahead += 1
                page = try await graph.query(query, after: cursor)
            }
            #expect(ahead > 0, "nodes were added between pages (\(order))")
            #expect(Set(walked).count == walked.count, "no node twice (\(order))")
            #expect(Set(before).isSubset(of: Set(walked)), "every node present at the start is returned (\(order))")
            #expect(walked.count == before.count + ahead, "every node added ahead of the walk is returned (\(order))")
            let timestamps = try await graph.nodes(walked).map { try #require($0).timestamp }
            #expect(timestamps == (order == .oldestFirst ? timestamps.sorted() : timestamps.sorted(by: >)), "\(order)")
        }
    }

    /// Neighbors over random links with cycles, every direction, depth and limit, as the
    /// reference finds them; a missing start node and a negative depth are refused.
    ///
    /// - Throws: When a store cannot be opened or written.
    public static func neighbors(on subject: ConformanceSubject, seed: UInt64) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: seed)
        let data = try RandomGraphData(count: 800, using: &random)
        try await data.write(to: graph)
        let reference = try MemoryGraph(store: data.reference)
        // Links from older to newer nodes too, so the graph has cycles.
        for _ in 0..<400 {
            let source = data.ids[Int.random(in: 0..<data.ids.count, using: &random)]
            let target = data.ids[Int.random(in: 0..<data.ids.count, using: &random)]
            guard source != target else { continue }
            #expect(try await graph.link(from: source, to: target) == reference.link(from: source, to: target))
        }
        for round in 0..<300 {
            let start = data.ids[Int.random(in: 0..<data.ids.count, using: &random)]
            let direction = LinkDirection.allCases[Int.random(in: 0..<3, using: &random)]
            let depth = Int.random(in: 0...4, using: &random)
            let limit = Int.random(in: 0...60, using: &random)
            #expect(
                try await graph.neighbors(of: start, direction: direction, depth: depth, limit: limit)
                    == reference.neighbors(of: start, direction: direction, depth: depth, limit: limit),
                "seed \(seed), round \(round): \(direction), depth \(depth), limit \(limit)")
        }
        await expectError(.nodeNotFound) { try await graph.neighbors(of: NodeID()) }
        await expectError(.invalidArgument) { try await graph.neighbors(of: data.ids[0], depth: -1) }
    }
}
