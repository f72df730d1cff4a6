import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Agent sessions: writes stamped with the session's agent, and nothing outside its read scope
/// visible through any read.
public enum ScopeConformance {
    /// A critic that reads the planner's nodes in one context: its writes carry its agent, a
    /// write as another agent is refused, and the other agent's nodes and the other context
    /// are invisible to every read and to every write that names them.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func sessions(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let p1 = try await graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
        let p2 = try await graph.addNode(agentID: "planner", taskContext: "trip-43", result: ["type": "plan"])
        let o1 = try await graph.addNode(
            agentID: "other", taskContext: "trip-42", result: ["type": "secret"], links: [p2])
        let c1 = try await graph.addNode(
            agentID: "critic", taskContext: "trip-42", result: ["type": "critique"], links: [p1, o1])
        try await graph.link(from: p1, to: o1)
        let bundle = try await graph.createBundle(taskID: "task", nodeIDs: [p1, o1, c1])
        try await graph.updateNode(o1, metadata: ["revised": true])

        await expectError(.invalidArgument) { try graph.session(agent: "") }
        let critic = try graph.session(
            agent: "critic", reading: ReadScope(agentIDs: ["planner"], contexts: ["trip-42"]))
        #expect(critic.scope.agentIDs == ["planner", "critic"], "a session reads its own agent's nodes")

        // Writes carry the session's agent; writing as another is refused, nothing stored.
        let c2 = try await critic.addNode(taskContext: "trip-42", result: ["type": "critique"], links: [p1])
        #expect(try await graph.node(c2)?.agentID == "critic")
        let before = try await graph.count(MemoryQuery())
        let denied = await expectError(.permissionDenied) {
            try await critic.addNodes([
                NodeDraft(agentID: "critic", taskContext: "trip-42", result: [:]),
                NodeDraft(agentID: "planner", taskContext: "trip-42", result: [:]),
            ])
        }
        #expect(denied?.message.contains("draft 1") == true && denied?.message.contains("planner") == true)
        #expect(try await graph.count(MemoryQuery()) == before)
        await expectError(.permissionDenied) { try await critic.addNode(taskContext: "trip-43", result: [:]) }
        await expectError(.invalidArgument) {
            try await critic.addNodes([
                NodeDraft(
                    agentID: "critic", taskContext: "trip-42", result: [:],
                    revision: NodeRevision(version: 7, updatedAt: Date()))
            ])
        }
        #expect(try await graph.count(MemoryQuery()) == before)

        // Outside the scope is invisible: absent to reads, and to writes that name it.
        #expect(try await critic.node(o1) == nil)
        #expect(try await critic.node(p2) == nil)
        #expect(try await critic.nodes([p1, o1, p2, c1]).map { $0?.id } == [p1, nil, nil, c1])
        #expect(try await critic.node(c1)?.links == [p1], "the link to the other agent's node is hidden")
        #expect(try await critic.node(p1)?.links == [])
        #expect(try await critic.recall(agentID: "other", taskContext: "trip-42").isEmpty)
        #expect(try await critic.recall(agentID: "planner", taskContext: "trip-43").isEmpty)
        #expect(try await critic.recall(agentID: "planner", taskContext: "trip-42").map(\.id) == [p1])
        #expect(try await Set(critic.recall(taskContext: "trip-42").map(\.id)) == [c1, c2])
        await expectError(.invalidArgument) { try await critic.recall(agentID: "other", taskContext: "x", limit: -1) }
        let everything = MemoryQuery()
        #expect(try await Set(critic.query(everything).nodes.map(\.id)) == [p1, c1, c2])
        #expect(try await critic.count(everything) == 3)
        var others = MemoryQuery()
        others.agentIDs = ["other"]
        #expect(try await critic.query(others).nodes.isEmpty)
        #expect(try await critic.count(others) == 0)
        #expect(try await critic.links(from: c1) == [p1])
        #expect(try await critic.links(from: o1).isEmpty)
        #expect(try await critic.backlinks(to: o1).isEmpty)
        #expect(try await Set(critic.backlinks(to: p1)) == [c1, c2])
        #expect(try await critic.neighbors(of: c1, depth: 3) == [Neighbor(id: p1, depth: 1)])
        await expectError(.nodeNotFound) { try await critic.neighbors(of: o1) }
        #expect(try await critic.bundle(bundle)?.nodeIDs == [p1, c1])
        #expect(try await critic.bundles(forTask: "task").map(\.nodeIDs) == [[p1, c1]])
        // A bundle shows only what lies inside the scope, and nothing at all when none of its
        // nodes does (unless it is for the session's agent).
        let wide = try await graph.createBundle(
            taskID: "wide", agentIDs: ["other", "planner"], contexts: ["trip-43", "trip-42"], nodeIDs: [p1, o1])
        let seen = try await critic.bundle(wide)
        #expect(seen?.agentIDs == ["planner"] && seen?.contexts == ["trip-42"] && seen?.nodeIDs == [p1])
        let secret = try await graph.createBundle(taskID: "wide", agentIDs: ["other"], nodeIDs: [o1, p2])
        #expect(try await critic.bundle(secret) == nil)
        #expect(try await critic.bundles(forTask: "wide").map(\.id) == [wide])
        await expectError(.bundleNotFound) { try await critic.addToBundle(secret, nodeIDs: [p1]) }
        #expect(try await graph.bundle(secret)?.nodeIDs == [o1, p2], "nothing added")
        let own = try await graph.createBundle(taskID: "mine", agentIDs: ["critic"])
        #expect(try await critic.bundle(own)?.id == own)
        await expectError(.permissionDenied) { try await critic.createBundle(taskID: "t", contexts: ["trip-43"]) }
        await expectError(.permissionDenied) { try await critic.createBundle(taskID: "t", agentIDs: ["other"]) }
        #expect(try await critic.history(of: o1).isEmpty)
        #expect(try await critic.history(of: p1).map(\.id) == [p1])
        #expect(try await critic.history(of: c1).first?.links == [p1])

        // Link criteria naming a hidden node match nothing; a bad query fails whatever it names.
        for (from, to) in [(o1, nil), (nil, o1), (p2, nil)] as [(NodeID?, NodeID?)] {
            var linked = MemoryQuery()
            linked.linkedFrom = from
            linked.linkedTo = to
            #expect(try await critic.query(linked).nodes.isEmpty)
            #expect(try await critic.count(linked) == 0)
            #expect(try await critic.forget(matching: linked) == 0)
        }
        #expect(try await graph.node(c1) != nil)
        var pointing = MemoryQuery()
        pointing.linkedTo = p1
        #expect(try await Set(critic.query(pointing).nodes.map(\.id)) == [c1, c2])
        var bad = others
        bad.limit = 0
        await expectError(.invalidArgument) { try await critic.query(bad) }
        await expectError(.invalidArgument) { try await critic.count(bad) }

        // A modify sees the node as the session does.
        let modified = try await critic.modify(c1) { node in
            #expect(node.links == [p1])
            return NodeUpdate(metadata: ["links": .int(node.links.count)])
        }
        #expect(modified.links == [p1] && modified.metadata["links"] == 1)
        #expect(try await graph.node(c1)?.links.count == 2, "the hidden link stays")
        for (source, target) in [(c1, o1), (c1, p2), (o1, p1)] {
            await expectError(.nodeNotFound) { try await critic.link(from: source, to: target) }
            await expectError(.nodeNotFound) { try await critic.unlink(from: source, to: target) }
        }
        await expectError(.nodeNotFound) {
            try await critic.addNode(taskContext: "trip-42", result: [:], links: [o1])
        }
        await expectError(.nodeNotFound) { try await critic.updateNode(o1, metadata: ["x": 1]) }
        await expectError(.nodeNotFound) { try await critic.modify(o1) { _ in NodeUpdate(metadata: [:]) } }
        await expectError(.nodeNotFound) { try await critic.createBundle(taskID: "t", nodeIDs: [p1, o1]) }
        await expectError(.nodeNotFound) { try await critic.addToBundle(bundle, nodeIDs: [p2]) }
        #expect(try await critic.removeNode(o1) == false)
        #expect(try await graph.node(o1) != nil, "an invisible node is not removed")
        #expect(try await critic.forget(matching: others) == 0)

        // Inside the scope another agent's node may be revised; its agent stays.
        #expect(try await critic.updateNode(p1, metadata: ["seen": true], expectedVersion: 1) == 2)
        #expect(try await graph.node(p1)?.agentID == "planner")

        // The change log shows only what is inside the scope.
        let page = try await critic.changePage()
        let hidden: Set<NodeID> = [o1, p2]
        #expect(!page.changes.isEmpty)
        for change in page.changes {
            #expect(change.nodeID.map(hidden.contains) != true && change.targetID.map(hidden.contains) != true)
            #expect(change.agentID == "planner" || change.agentID == "critic", "\(change)")
        }
        var followed: [GraphChange] = []
        for try await change in critic.changes(follow: false) { followed.append(change) }
        #expect(followed == page.changes)

        // A session that reads everything sees what the graph sees.
        let all = try graph.session(agent: "critic")
        #expect(try await all.node(o1) == graph.node(o1))
        #expect(try await all.neighbors(of: c1, depth: 3) == graph.neighbors(of: c1, depth: 3))
        #expect(try await all.changePage() == graph.changePage())
    }

    /// Random nodes, links and scopes: every read of a session answers as the graph's nodes
    /// filtered by the scope would (the oracle), links to hidden nodes left out.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func randomScopes(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: 11)
        func below(_ count: Int) -> Int { Int.random(in: 0..<count, using: &random) }
        let agents = ["a0", "a1", "a2", "a3"]
        let contexts = ["c0", "c1", "c2"]
        var ids: [NodeID] = []
        for index in 0..<120 {
            let links = ids.isEmpty ? [] : (0..<below(4)).map { _ in ids[below(ids.count)] }
            ids.append(
                try await graph.addNode(
                    agentID: agents[below(agents.count)],
                    taskContext: contexts[below(contexts.count)], result: ["n": .int(index)],
                    links: Array(Set(links))))
        }
        let all = try await graph.nodes(ids).compactMap(\.self)
        for round in 0..<12 {
            let readable = Set(agents.filter { _ in below(2) == 0 })
            let scope = ReadScope(
                agentIDs: round % 4 == 0 ? nil : readable,
                contexts: round % 3 == 0 ? nil : Set(contexts.filter { _ in below(2) == 0 }))
            let agent = agents[below(agents.count)]
            let session = try graph.session(agent: agent, reading: scope)
            let visible = Set(all.filter(session.scope.includes).map(\.id))
            let expected = all.filter { visible.contains($0.id) }.map { node in
                var node = node
                node.links.removeAll { !visible.contains($0) }
                return node
            }
            var query = MemoryQuery()
            query.limit = 1_000
            let found = try await session.query(query).nodes
            #expect(Set(found) == Set(expected), "round \(round), scope \(scope)")
            #expect(try await session.count(query) == expected.count)
            #expect(try await session.nodes(ids).compactMap(\.self) == expected, "round \(round)")
            let start = ids[below(ids.count)]
            if visible.contains(start) {
                let reached = try await session.neighbors(of: start, direction: .both, depth: 2)
                #expect(reached.allSatisfy { visible.contains($0.id) })
                #expect(Set(reached.map(\.id)) == reachable(from: start, within: expected, depth: 2), "round \(round)")
            } else {
                await expectError(.nodeNotFound) { try await session.neighbors(of: start) }
            }
        }
    }

    /// The nodes of `nodes` within `depth` links of `start` either way, `start` left out.
    private static func reachable(from start: NodeID, within nodes: [MemoryNode], depth: Int) -> Set<NodeID> {
        var adjacent: [NodeID: Set<NodeID>] = [:]
        for node in nodes {
            for target in node.links {
                adjacent[node.id, default: []].insert(target)
                adjacent[target, default: []].insert(node.id)
            }
        }
        var seen: Set<NodeID> = [start]
        var frontier: Set<NodeID> = [start]
        for _ in 0..<depth {
            frontier = Set(frontier.flatMap { adjacent[$0] ?? [] }).subtracting(seen)
            seen.formUnion(frontier)
        }
        seen.remove(start)
        return seen
    }
}
