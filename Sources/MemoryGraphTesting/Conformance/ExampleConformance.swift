import Foundation
import MemoryGraphCore
import Testing

/// Small graphs whose every answer is written out by hand: orders and ties, each query
/// criterion and its bounds, cursors, links, neighbors, bundles, statistics, export. They pin
/// the semantics down for every backend, the reference included, independently of any model.
public enum ExampleConformance {
    /// The time `seconds` after an arbitrary origin, to the microsecond.
    static func time(_ seconds: Double) -> Date {
        Date(microseconds: 1_760_000_000_000_000 + Int64(seconds * 1_000_000))
    }

    /// Six nodes with ids in creation order `n[0] < … < n[5]`:
    ///
    /// | node | agent | context | time | type | confidence |
    /// |------|-------|---------|------|------|------------|
    /// | n0 | a | c | 10 | plan | 0.5 |
    /// | n1 | a | c | 20 | plan | 0.9 |
    /// | n2 | a | c | 20 | critique | – |
    /// | n3 | b | d | 5 | – | 1 (an integer) |
    /// | n4 | b | c | 30 | critique | 0.2 |
    /// | n5 | a | d | 20 | plan | 0.0 |
    ///
    /// and the links n4 → n0, n4 → n1, n2 → n0.
    struct Six {
        let graph: MemoryGraph
        let n: [NodeID]

        init(_ graph: MemoryGraph) async throws {
            self.graph = graph
            let n = (0..<6).map { _ in NodeID() }
            self.n = n
            func draft(_ index: Int, _ agent: String, _ context: String, _ seconds: Double, _ result: JSONValue)
                -> NodeDraft
            {
                NodeDraft(id: n[index], agentID: agent, taskContext: context, result: result, timestamp: time(seconds))
            }
            // Added out of order, so that no backend can answer in insertion order by accident.
            try await graph.addNodes([
                draft(3, "b", "d", 5, ["confidence_score": 1]),
                draft(1, "a", "c", 20, ["type": "plan", "confidence_score": 0.9]),
                draft(5, "a", "d", 20, ["type": "plan", "confidence_score": 0.0]),
                draft(0, "a", "c", 10, ["type": "plan", "confidence_score": 0.5]),
                draft(2, "a", "c", 20, ["type": "critique", "confidence_score": nil]),
            ])
            try await graph.addNodes([draft(4, "b", "c", 30, ["type": "critique", "confidence_score": 0.2])])
            try await graph.link(from: n[4], to: n[1])
            try await graph.link(from: n[4], to: n[0])
            try await graph.link(from: n[2], to: n[0])
        }

        /// The ids `query` gives, every page walked, with `limit` nodes a page.
        func walk(_ query: MemoryQuery) async throws -> [NodeID] {
            var page = try await graph.query(query)
            var ids = page.nodes.map(\.id)
            while let cursor = page.nextCursor {
                page = try await graph.query(query, after: cursor)
                ids += page.nodes.map(\.id)
            }
            return ids
        }
    }

    /// Newest first by `(timestamp, id)`, ties by the larger id first; oldest first the exact
    /// reverse; recall within one agent and context; pages split where the limit says.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func ordersAndPages(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let six = try await Six(store.graph)
        let (graph, n) = (six.graph, six.n)
        #expect(try await graph.recall(agentID: "a", taskContext: "c").map(\.id) == [n[2], n[1], n[0]])
        #expect(try await graph.recall(agentID: "a", taskContext: "c", limit: 2).map(\.id) == [n[2], n[1]])
        #expect(try await graph.recall(agentID: "a", taskContext: "c", limit: 0).isEmpty)
        #expect(try await graph.recall(agentID: "b", taskContext: "d").map(\.id) == [n[3]])
        #expect(try await graph.recall(agentID: "c", taskContext: "a").isEmpty)
        var query = MemoryQuery()
        let newest = [n[4], n[5], n[2], n[1], n[0], n[3]]
        #expect(try await graph.queryIDs(query) == newest)
        #expect(try await graph.count(query) == 6)
        query.limit = 2
        let first = try await graph.query(query)
        #expect(first.nodes.map(\.id) == [n[4], n[5]])
        let cursor = try #require(first.nextCursor)
        #expect(QueryCursor(cursor.description) == cursor, "a cursor survives its string form")
        let second = try await graph.query(query, after: try #require(QueryCursor(cursor.description)))
        #expect(second.nodes.map(\.id) == [n[2], n[1]])
        let third = try await graph.query(query, after: try #require(second.nextCursor))
        #expect(third.nodes.map(\.id) == [n[0], n[3]])
        #expect(third.nextCursor == nil, "the last page has no cursor")
        query.order = .oldestFirst
        query.limit = 4
        let oldest = try await graph.query(query)
        #expect(oldest.nodes.map(\.id) == newest.reversed().prefix(4).map { $0 })
        #expect(try await graph.query(query, after: try #require(oldest.nextCursor)).nodes.map(\.id) == [n[5], n[4]])
        query.limit = 6
        #expect(try await graph.query(query).nextCursor == nil, "a page that holds everything has no cursor")
        #expect(try await six.walk(query) == newest.reversed())
    }

    /// Each criterion alone and combined: agents, contexts, types (an empty set or only unknown
    /// names match nothing; a node without a type never matches), the half-open time range
    /// over whole microseconds, inclusive confidence bounds (an integer confidence counts),
    /// linked from and linked to.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func criteria(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let six = try await Six(store.graph)
        let n = six.n
        func expect(_ query: MemoryQuery, _ expected: [NodeID], sourceLocation: SourceLocation = #_sourceLocation)
            async throws
        {
            #expect(try await six.graph.queryIDs(query) == expected, "\(query)", sourceLocation: sourceLocation)
            #expect(
                try await six.graph.count(query) == expected.count, "count \(query)", sourceLocation: sourceLocation)
            var paged = query
            paged.limit = 1
            #expect(try await six.walk(paged) == expected, "walk \(query)", sourceLocation: sourceLocation)
        }
        try await expect(query(agents: ["a"]), [n[5], n[2], n[1], n[0]])
        try await expect(query(agents: ["b", "nobody"]), [n[4], n[3]])
        try await expect(query(agents: []), [])
        try await expect(query(agents: ["nobody"]), [])
        try await expect(query(contexts: ["d"]), [n[5], n[3]])
        try await expect(query(agents: ["a"], contexts: ["d"]), [n[5]])
        try await expect(query(types: ["plan"]), [n[5], n[1], n[0]])
        try await expect(query(types: ["plan", "critique"], order: .oldestFirst), [n[0], n[1], n[2], n[5], n[4]])
        try await expect(query(types: []), [])
        try await expect(query(time: time(10)..<time(20)), [n[0]])
        try await expect(query(time: time(20)..<time(30)), [n[5], n[2], n[1]])
        try await expect(query(time: time(5)..<time(31)), [n[4], n[5], n[2], n[1], n[0], n[3]])
        try await expect(query(time: time(10)..<time(10)), [])
        // A bound between two microseconds counts from the next whole one.
        let half = 0.000_000_5
        let around20 = time(20).addingTimeInterval(-half)..<time(20).addingTimeInterval(half)
        try await expect(query(time: around20), [n[5], n[2], n[1]])
        try await expect(query(time: time(20).addingTimeInterval(half)..<time(31)), [n[4]])
        try await expect(query(minimum: 0.5), [n[1], n[0], n[3]])
        try await expect(query(maximum: 0.2), [n[4], n[5]])
        try await expect(query(minimum: 0.2, maximum: 0.5), [n[4], n[0]])
        try await expect(query(minimum: 1), [n[3]])
        try await expect(query(minimum: 0), [n[4], n[5], n[1], n[0], n[3]])
        try await expect(query(minimum: 0.95, maximum: 0.6), [])
        try await expect(query(minimum: -5, maximum: 7), [n[4], n[5], n[1], n[0], n[3]])
        try await expect(query(minimum: 1.5), [])
        try await expect(query(linkedFrom: n[4]), [n[1], n[0]])
        try await expect(query(linkedTo: n[0]), [n[4], n[2]])
        try await expect(query(linkedFrom: n[4], linkedTo: n[0]), [])
        try await expect(query(linkedFrom: NodeID()), [])
        try await expect(query(agents: ["a"], contexts: ["c"], types: ["plan"], minimum: 0.6), [n[1]])
        try await expect(query(types: ["critique"], time: time(0)..<time(25), linkedTo: n[0]), [n[2]])
    }

    /// A query with the given criteria.
    static func query(
        agents: Set<String>? = nil, contexts: Set<String>? = nil, types: Set<String>? = nil, time: Range<Date>? = nil,
        minimum: Double? = nil, maximum: Double? = nil, linkedFrom: NodeID? = nil, linkedTo: NodeID? = nil,
        order: MemoryQuery.Order = .newestFirst
    ) -> MemoryQuery {
        var query = MemoryQuery()
        query.agentIDs = agents
        query.contexts = contexts
        query.types = types
        query.timeRange = time
        query.minConfidence = minimum
        query.maxConfidence = maximum
        query.linkedFrom = linkedFrom
        query.linkedTo = linkedTo
        query.order = order
        return query
    }

    /// Links in id order both ways, each stored once; neighbors breadth-first with cycles,
    /// each node once at its first depth, every direction, depth and limit; removing a node
    /// removes its links both ways.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func linksAndNeighbors(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        // r → a, r → b, a → c, b → c, c → r, d → a; ids in the order r < a < b < c < d.
        let ids = (0..<5).map { _ in NodeID() }
        let (r, a, b, c, d) = (ids[0], ids[1], ids[2], ids[3], ids[4])
        try await graph.addNodes(ids.reversed().map { NodeDraft(id: $0, agentID: "x", taskContext: "y", result: [:]) })
        for (source, target) in [(r, b), (r, a), (a, c), (b, c), (c, r), (d, a)] {
            #expect(try await graph.link(from: source, to: target))
        }
        #expect(try await graph.link(from: r, to: a) == false, "linking twice is harmless")
        #expect(try await graph.links(from: r) == [a, b])
        #expect(try await graph.backlinks(to: a) == [r, d])
        #expect(try await graph.backlinks(to: c) == [a, b])
        #expect(try await graph.node(r)?.links == [a, b])
        #expect(try await graph.links(from: NodeID()).isEmpty)
        #expect(try await graph.statistics().links == 6)
        func around(_ id: NodeID, _ direction: LinkDirection, _ depth: Int, _ limit: Int = 1_000) async throws
            -> [String]
        {
            try await graph.neighbors(of: id, direction: direction, depth: depth, limit: limit).map { neighbor in
                "\(["r", "a", "b", "c", "d"][ids.firstIndex(of: neighbor.id) ?? 0])\(neighbor.depth)"
            }
        }
        #expect(try await around(r, .outgoing, 1) == ["a1", "b1"])
        #expect(try await around(r, .outgoing, 2) == ["a1", "b1", "c2"])
        #expect(try await around(r, .outgoing, 9) == ["a1", "b1", "c2"], "the start node is never included")
        #expect(try await around(a, .incoming, 2) == ["r1", "d1", "c2"])
        #expect(try await around(c, .both, 1) == ["r1", "a1", "b1"])
        #expect(try await around(c, .both, 2) == ["r1", "a1", "b1", "d2"])
        #expect(try await around(c, .both, 2, 2) == ["r1", "a1"])
        #expect(try await around(c, .both, 0).isEmpty)
        #expect(try await around(c, .both, 3, 0).isEmpty)
        #expect(try await around(d, .incoming, 3).isEmpty)
        #expect(try await graph.unlink(from: d, to: a))
        #expect(try await graph.unlink(from: d, to: a) == false)
        #expect(try await graph.removeNode(c))
        #expect(try await graph.removeNode(c) == false)
        #expect(try await graph.links(from: a).isEmpty)
        #expect(try await graph.links(from: b).isEmpty)
        #expect(try await graph.backlinks(to: r).isEmpty)
        #expect(try await graph.statistics().links == 2)
        await expectError(.nodeNotFound) { try await graph.link(from: a, to: c) }
        await expectError(.nodeNotFound) { try await graph.neighbors(of: c) }
    }

    /// Bundles newest first by creation time (ties by id) per task and per context; the facade
    /// keeps entries once in first-seen order; adding skips present nodes; a removed node
    /// leaves its bundles; removing a bundle keeps its nodes.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func bundles(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let nodes = try await graph.addNodes(
            (0..<4).map { NodeDraft(agentID: "x", taskContext: "y", result: ["n": .int($0)]) })
        let first = try await graph.createBundle(
            taskID: "t", agentIDs: ["p", "q", "p"], contexts: ["x", "y", "x"], nodeIDs: [nodes[1], nodes[0], nodes[1]],
            metadata: ["k": "v"])
        let second = try await graph.createBundle(taskID: "t", contexts: ["y"], nodeIDs: [nodes[2]])
        let third = try await graph.createBundle(taskID: "u", contexts: ["x"])
        let stored = try #require(try await graph.bundle(first))
        #expect(stored.taskID == "t" && stored.agentIDs == ["p", "q"] && stored.contexts == ["x", "y"])
        #expect(stored.nodeIDs == [nodes[1], nodes[0]] && stored.metadata == ["k": "v"])
        #expect(Microseconds(stored.createdAt)?.date == stored.createdAt, "kept to the microsecond")
        #expect(try await graph.bundles(forTask: "t").map(\.id) == [second, first])
        #expect(try await graph.bundle(forTask: "t")?.id == second)
        #expect(try await graph.bundle(forTask: "none") == nil)
        #expect(try await graph.bundles(forContext: "x").map(\.id) == [third, first])
        #expect(try await graph.bundles(forContext: "y").map(\.id) == [second, first])
        #expect(try await graph.bundles(forContext: "z").isEmpty)
        try await graph.addToBundle(first, nodeIDs: [nodes[3], nodes[0], nodes[2], nodes[3]])
        #expect(try await graph.bundle(first)?.nodeIDs == [nodes[1], nodes[0], nodes[3], nodes[2]])
        #expect(try await graph.removeNode(nodes[0]))
        #expect(try await graph.bundle(first)?.nodeIDs == [nodes[1], nodes[3], nodes[2]])
        #expect(try await graph.removeBundle(second))
        #expect(try await graph.removeBundle(second) == false)
        #expect(try await graph.bundles(forTask: "t").map(\.id) == [first])
        #expect(try await graph.node(nodes[2]) != nil, "a removed bundle's nodes stay")
        #expect(try await graph.statistics().bundles == 2)
        // Straight to the store: a bundle keeps its given id and creation time.
        let old = MemoryBundle(
            id: BundleID(), taskID: "t", agentIDs: [], contexts: ["x"], nodeIDs: [],
            createdAt: Date(timeIntervalSince1970: 1_000_000_000))
        #expect(try await graph.store.apply([.createBundle(old)])[0].get() == .bundleCreated(old.id))
        #expect(try await graph.bundle(old.id) == old)
        #expect(try await graph.bundles(forTask: "t").map(\.id) == [first, old.id], "older by its creation time")
        #expect(try await graph.bundles(forContext: "x").map(\.id) == [third, first, old.id])
    }

    /// Statistics count the distinct agents, contexts and types of the nodes stored now
    /// (a bundle's context does not count, nor does a name whose last node was removed), every
    /// link once, and bundles.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func statistics(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let six = try await Six(store.graph)
        let (graph, n) = (six.graph, six.n)
        #expect(
            try await graph.statistics()
                == GraphStatistics(nodes: 6, agents: 2, contexts: 2, types: 2, links: 3, bundles: 0))
        try await graph.createBundle(taskID: "t", contexts: ["only-in-a-bundle"], nodeIDs: [n[0]])
        #expect(try await graph.statistics().contexts == 2)
        #expect(try await graph.removeNode(n[3]))  // the only node of b in d, and the only one without a type
        #expect(
            try await graph.statistics()
                == GraphStatistics(nodes: 5, agents: 2, contexts: 2, types: 2, links: 3, bundles: 1))
        #expect(try await graph.removeNode(n[4]))  // the last node of agent b; it had two links
        #expect(
            try await graph.statistics()
                == GraphStatistics(nodes: 4, agents: 1, contexts: 2, types: 2, links: 1, bundles: 1))
        #expect(try await graph.removeNode(n[2]))  // the last critique
        #expect(try await graph.removeNode(n[5]))  // the last node in d
        #expect(
            try await graph.statistics()
                == GraphStatistics(nodes: 2, agents: 1, contexts: 1, types: 1, links: 0, bundles: 1))
    }

    /// A node reads back as written — its result and metadata (integers and doubles kept
    /// apart), its links once each in id order, its time to the microsecond — and the export
    /// gives the summary, the nodes in id order, then the bundles in id order.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func recordsAndExport(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let targets = try await graph.addNodes([
            NodeDraft(agentID: "x", taskContext: "y", result: [:]),
            NodeDraft(agentID: "x", taskContext: "y", result: [:]),
        ])
        let result: JSONValue = [
            "type": "plan", "confidence_score": 1, "int": 3, "double": 3.0, "negative zero": -0.0, "text": "äé 😀",
            "nested": ["list": [1, 2.5, "x", nil, true, false], "object": ["k": ["deep": []]]], "empty": [:],
        ]
        let at = Date(timeIntervalSince1970: 1_760_000_000.123_456_7)
        let before = Date()
        let id = try await graph.addNode(
            agentID: "ü-agent", taskContext: "ctx", result: result, metadata: ["m": 1.5, "n": nil],
            links: [targets[1], targets[0], targets[1]], timestamp: at)
        let now = try await graph.addNode(agentID: "x", taskContext: "y", result: "a plain string")
        let node = try #require(try await graph.node(id))
        #expect(node.result == result && node.metadata == ["m": 1.5, "n": nil])
        #expect(node.result["int"] == .int(3) && node.result["double"] == .double(3.0))
        #expect(node.agentID == "ü-agent" && node.taskContext == "ctx")
        #expect(node.links == targets.sorted())
        #expect(node.timestamp == Microseconds(at)?.date, "the nearest microsecond")
        #expect(node.type == "plan" && node.confidence == 1)
        let stamped = try #require(try await graph.node(now))
        #expect(stamped.result == "a plain string" && stamped.type == nil)
        #expect(stamped.timestamp >= before.addingTimeInterval(-1) && stamped.timestamp <= Date().addingTimeInterval(1))
        #expect(try await graph.nodes([now, NodeID(), id]) == [stamped, nil, node])

        let bundles = [
            try await graph.createBundle(taskID: "t", nodeIDs: [id]), try await graph.createBundle(taskID: "s"),
        ]
        let created = Date(microseconds: 1_700_000_000_000_001)
        #expect(try await graph.store.apply([.setCreationTime(created)])[0].get() == .done)
        var records: [ExportedRecord] = []
        try await graph.store.export { records.append($0) }
        #expect(records.first == .summary(StoreSummary(createdAt: created, nodes: 4, bundles: 2, links: 2)))
        let nodeIDs = records.compactMap { record -> NodeID? in
            guard case .node(let node, _) = record else { return nil }
            return node.id
        }
        let bundleIDs = records.compactMap { record -> BundleID? in
            guard case .bundle(let bundle) = record else { return nil }
            return bundle.id
        }
        #expect(nodeIDs == (targets + [id, now]).sorted())
        #expect(bundleIDs == bundles.sorted())
        #expect(records.count == 7)
        #expect(records.dropFirst().prefix(4).allSatisfy { if case .node = $0 { true } else { false } })
        #expect(records.contains(.node(node, embedding: nil)))
    }
}
