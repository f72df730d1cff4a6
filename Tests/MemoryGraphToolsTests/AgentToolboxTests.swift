import MemoryGraph
import MemoryGraphCore
import MemoryGraphTesting
import MemoryGraphTools
import Testing

@Suite struct AgentToolboxTests {
    let graph: MemoryGraph
    let planner: AgentToolbox

    init() throws {
        graph = try MemoryGraph.inMemory()
        planner = AgentToolbox(session: try graph.session(agent: "planner"))
    }

    @Test func everyToolRoundTrips() async throws {
        let first = try await planner.call(
            "remember", ["context": "trip", "result": ["type": "plan", "confidence_score": 0.9]])
        let firstID = try #require(first["id"]?.stringValue)
        #expect(first["version"] == 1)
        let second = try await planner.call(
            "remember",
            ["context": "trip", "result": ["type": "step"], "links": [.string(firstID)], "metadata": ["k": "v"]])
        let secondID = try #require(second["id"]?.stringValue)

        let recalled = try await planner.call("recall", ["context": "trip"])
        #expect(recalled["nodes"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [secondID, firstID])
        let node = try #require(recalled["nodes"]?[0])
        #expect(node["agent_id"] == "planner" && node["task_context"] == "trip" && node["metadata"] == ["k": "v"])
        #expect(node["links"] == [.string(firstID)])

        let missing = NodeID().description
        let got = try await planner.call("get_nodes", ["ids": [.string(firstID), .string(missing)]])
        #expect(got["nodes"]?[0]?["confidence"] == 0.9 && got["nodes"]?[1] == .null)

        #expect(
            try await planner.call("update", ["id": .string(firstID), "result": ["type": "plan", "v": 2]])["version"]
                == 2)
        await expectCode(.versionConflict) {
            try await planner.call("update", ["id": .string(firstID), "metadata": [:], "expected_version": 1])
        }
        #expect(try await planner.call("history", ["id": .string(firstID)])["versions"]?.arrayValue?.count == 2)

        #expect(
            try await planner.call("neighbors", ["id": .string(firstID), "direction": "in"])["neighbors"]
                == [["id": .string(secondID), "depth": 1]])
        #expect(
            try await planner.call("unlink", ["from": .string(secondID), "to": .string(firstID)])["changed"] == true)
        #expect(try await planner.call("link", ["from": .string(secondID), "to": .string(firstID)])["changed"] == true)
        #expect(
            try await planner.call("link", ["from": .string(secondID), "to": .string(firstID)])["changed"] == false)

        let bundle = try await planner.call(
            "bundle", ["action": "create", "task_id": "t", "node_ids": [.string(firstID)]])
        let bundleID = try #require(bundle["id"]?.stringValue)
        #expect(bundle["agent_ids"] == ["planner"])
        let added = try await planner.call(
            "bundle",
            ["action": "add", "task_id": "t", "bundle_id": .string(bundleID), "node_ids": [.string(secondID)]])
        #expect(added["node_ids"] == [.string(firstID), .string(secondID)])
        #expect(try await planner.call("bundle", ["action": "get", "task_id": "t"]) == added)
        await expectCode(.bundleNotFound) {
            try await planner.call("bundle", ["action": "get", "task_id": "other", "bundle_id": .string(bundleID)])
        }

        let changes = try await planner.call("changes", ["after": 0, "limit": 3])
        #expect(changes["changes"]?.arrayValue?.map { $0["sequence"] } == [1, 2, 3])
        #expect(changes["last_sequence"] == 3)

        #expect(try await planner.call("forget", ["id": .string(secondID)])["removed"] == true)
        #expect(try await planner.call("forget", ["id": .string(secondID)])["removed"] == false)
    }

    /// Paging through `query` with its cursor visits every matching node once, in order.
    @Test func queryPagesWithTheCursor() async throws {
        var written: [String] = []
        for index in 0..<25 {
            let type: JSONValue = index.isMultiple(of: 2) ? "even" : "odd"
            let id = try await planner.call("remember", ["context": "c", "result": ["type": type]])["id"]
            if type == "even" { written.append(try #require(id?.stringValue)) }
        }
        var seen: [String] = []
        var arguments: [String: JSONValue] = ["types": ["even"], "order": "oldest_first", "limit": 5]
        while true {
            let page = try await planner.call("query", arguments)
            seen += page["nodes"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard let cursor = page["next_cursor"], cursor != .null else { break }
            arguments["cursor"] = cursor
        }
        #expect(seen == written)
    }

    /// The agent comes from the session: nothing in the arguments can choose it, and a scope
    /// hides the nodes outside it.
    @Test func theSessionDecidesAgentAndScope() async throws {
        await expectCode(.invalidArgument) {
            try await planner.call("remember", ["context": "c", "result": [:], "agent_id": "critic"])
        }
        let id = try await planner.call("remember", ["context": "secret", "result": [:]])["id"]
        let critic = AgentToolbox(session: try graph.session(agent: "critic", reading: ReadScope(contexts: ["open"])))
        #expect(try await critic.call("get_nodes", ["ids": [id ?? .null]])["nodes"] == [.null])
        #expect(try await critic.call("recall", ["context": "secret", "agent": "planner"])["nodes"] == [])
        await expectCode(.nodeNotFound) {
            try await critic.call("update", ["id": id ?? .null, "result": [:]])
        }
        await expectCode(.permissionDenied) {
            try await critic.call("remember", ["context": "secret", "result": [:]])
        }
        let reader = AgentToolbox(session: try graph.session(agent: "reader"), readOnly: true)
        await expectCode(.permissionDenied) {
            try await reader.call("remember", ["context": "c", "result": [:]])
        }
        #expect(
            try await reader.call("recall", ["context": "secret", "agent": "planner"])["nodes"]?.arrayValue?.count == 1)
    }
}
