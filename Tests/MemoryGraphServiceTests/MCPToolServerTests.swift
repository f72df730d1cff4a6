import Logging
import MCP
import MemoryGraph
import MemoryGraphCore
import MemoryGraphService
import MemoryGraphTesting
import MemoryGraphTools
import Testing

/// The MCP server over the SDK's in-memory transport, through the SDK's own client.
@Suite struct MCPToolServerTests {
    @Test func toolsResultsErrorsAndResources() async throws {
        let graph = try MemoryGraph.inMemory()
        defer { graph.close() }
        let server = await MCPToolServer.make(
            toolbox: AgentToolbox(session: try graph.session(agent: "planner")), logger: Logger(label: "test"))
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        try await server.start(transport: serverSide)
        let client = Client(name: "test", version: "1")
        _ = try await client.connect(transport: clientSide)

        let tools = try await client.listTools().tools
        #expect(tools.map(\.name) == ToolCatalog.tools.map(\.name))
        let recall = try #require(tools.first { $0.name == "recall" })
        #expect(recall.annotations.readOnlyHint == true && recall.outputSchema != nil)

        let written = try await client.callTool(name: "remember", arguments: ["context": "c", "result": ["x": 1]])
        #expect(written.isError == false)
        let stored = try await graph.recall(agentID: "planner", taskContext: "c")
        #expect(stored.map(\.result) == [["x": 1]])

        let refused = try await client.callTool(name: "recall", arguments: ["context": 5])
        #expect(refused.isError == true)
        guard case .text(let text, _, _) = try #require(refused.content.first) else {
            Issue.record("no text in \(refused.content)")
            return
        }
        #expect(text.contains("invalidArgument") && text.contains("context"))

        let uri = "memorygraph://node/\(try #require(stored.first).id)"
        let contents = try await client.readResource(uri: uri)
        let body = try JSONValue(jsonString: try #require(contents.first?.text))
        #expect(body["agent_id"] == "planner" && body["result"] == ["x": 1])
        await #expect(throws: MCPError.self) { try await client.readResource(uri: "memorygraph://node/nope") }

        await client.disconnect()
        await server.stop()
    }
}
