import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom
import Testing

@Suite("Queries against a brute-force filter")
struct QueryModelTests {
    @Test(
        "random queries, counts, ids and every page match a filter over all nodes", .tags(.slow),
        arguments: [11, 12] as [UInt64])
    func randomQueries(seed: UInt64) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        var generator = SplitMix64(seed: seed)
        let data = try QueryDataSet(graph: graph, count: 3_000, generator: &generator)
        var listsRead: (upFront: Int, streamed: Int) = (0, 0)
        for round in 0..<600 {
            var query = data.randomQuery(using: &generator)
            let expected = data.expected(query)
            #expect(try graph.count(query) == expected.count, "seed \(seed) round \(round) \(query)")
            #expect(try graph.queryIDs(query) == Array(expected.prefix(query.limit)), "seed \(seed) round \(round)")
            // Walk every page; keep the walk short by raising tiny limits on big results.
            query.limit = max(query.limit, expected.count / 40)
            var walked: [NodeID] = []
            var page = try graph.query(query)
            var pages = 1
            while true {
                #expect(page.nodes.count <= query.limit)
                walked += page.nodes.map(\.id)
                guard let cursor = page.nextCursor else { break }
                #expect(page.nodes.count == query.limit, "only a full page has a next one")
                page = try graph.query(query, after: cursor)
                pages += 1
            }
            #expect(walked == expected, "seed \(seed) round \(round) \(query)")
            #expect(pages == max(1, (expected.count + query.limit - 1) / query.limit))
            let plan = try graph.explain(query)
            #expect(plan.returned == min(expected.count, query.limit))
            if plan.steps.first?.contains("posting list") == true {
                if plan.steps.first?.contains("within the time window (") == true {
                    listsRead.upFront += 1
                } else {
                    listsRead.streamed += 1
                }
            }
        }
        // Both ways of reading list paths are checked: entries read up front, and streamed.
        #expect(listsRead.upFront > 20 && listsRead.streamed > 20, "\(listsRead)")
    }

    @Test("nodes added between pages are never returned twice, and no older node is skipped")
    func pagingUnderWrites() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        var generator = SplitMix64(seed: 21)
        let data = try QueryDataSet(graph: graph, count: 600, generator: &generator)
        for order in [MemoryQuery.Order.newestFirst, .oldestFirst] {
            var query = MemoryQuery()
            query.contexts = ["context-0", "context-1"]
            query.order = order
            query.limit = 7
            let before = Set(data.expected(query))
            var walked: [NodeID] = []
            var page = try graph.query(query)
            var added = 0
            while true {
                walked += page.nodes.map(\.id)
                guard let cursor = page.nextCursor else { break }
                // New nodes: now (ahead of a newest-first walk) and in the past (behind it).
                for offset in [0, -864_000] as [TimeInterval] {
                    try graph.addNode(
                        agentID: "late", taskContext: "context-0", result: ["n": .int(added)],
                        timestamp: Date().addingTimeInterval(offset))
                    added += 1
                }
                page = try graph.query(query, after: cursor)
            }
            #expect(Set(walked).count == walked.count, "no node twice")
            #expect(before.isSubset(of: Set(walked)), "every node present at the start is returned")
            let timestamps = try graph.nodes(walked).map { try #require($0).timestamp }
            #expect(timestamps == (order == .oldestFirst ? timestamps.sorted() : timestamps.sorted(by: >)))
        }
    }

    @Test("neighbors is a breadth-first search over a link model with cycles", arguments: [31] as [UInt64])
    func neighbors(seed: UInt64) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        var generator = SplitMix64(seed: seed)
        let data = try QueryDataSet(graph: graph, count: 800, generator: &generator)
        let ids = Array(data.facts.keys)
        // Links from older to newer nodes too, so the graph has cycles.
        var outLinks = data.outLinks
        for _ in 0..<400 {
            let source = try #require(ids.randomElement(using: &generator))
            let target = try #require(ids.randomElement(using: &generator))
            guard source != target else { continue }
            let added = try graph.link(from: source, to: target)
            #expect(added == outLinks[source, default: []].insert(target).inserted)
        }
        var inLinks: [NodeID: Set<NodeID>] = [:]
        for (source, targets) in outLinks {
            for target in targets { inLinks[target, default: []].insert(source) }
        }
        for _ in 0..<300 {
            let start = try #require(ids.randomElement(using: &generator))
            let direction = try #require(LinkDirection.allCases.randomElement(using: &generator))
            let depth = Int.random(in: 0...4, using: &generator)
            let limit = Int.random(in: 0...60, using: &generator)
            // Brute force: level by level, each node's links in id order.
            var expected: [Neighbor] = []
            var seen: Set<NodeID> = [start]
            var frontier = [start]
            var level = 0
            search: while level < depth, !frontier.isEmpty {
                level += 1
                var next: [NodeID] = []
                for node in frontier {
                    var adjacent: [NodeID] = []
                    if direction != .incoming { adjacent += (outLinks[node] ?? []).sorted() }
                    if direction != .outgoing { adjacent += (inLinks[node] ?? []).sorted() }
                    for neighbor in adjacent where seen.insert(neighbor).inserted {
                        if expected.count == limit { break search }
                        expected.append(Neighbor(id: neighbor, depth: level))
                        next.append(neighbor)
                    }
                }
                frontier = next
            }
            #expect(try graph.neighbors(of: start, direction: direction, depth: depth, limit: limit) == expected)
        }
        expectError(.nodeNotFound) { try graph.neighbors(of: NodeID()) }
        expectError(.invalidArgument) { try graph.neighbors(of: ids[0], depth: -1) }
    }
}
