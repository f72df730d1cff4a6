public import Logging
public import MCP
import MemoryGraphCore
public import MemoryGraphTools

/// The MemoryGraph tools as an MCP server: one ``AgentToolbox`` behind `tools/list`,
/// `tools/call`, and the `memorygraph://node/{id}` and `memorygraph://bundle/{id}` resources.
///
/// A tool that fails answers with an error result (`isError`), its text
/// `{"error": {"code", "message"}}` with the library's code, so the model reads what was wrong;
/// protocol errors stay JSON-RPC errors.
public enum MCPToolServer {
    /// The server's name in `initialize`.
    public static let name = "memory-graph"
    /// The server's version in `initialize`.
    public static let version = "1.0.0"

    /// A server whose handlers call `toolbox`; start it on a transport. Failures that are not
    /// the caller's go to `logger`.
    public static func make(toolbox: AgentToolbox, logger: Logger) async -> Server {
        let server = Server(
            name: name, version: version, title: "MemoryGraph",
            instructions:
                "Shared memory for a team of agents. remember stores a memory node in a task context; recall, query, "
                + "get_nodes, neighbors and history read them; update revises one (use expected_version to avoid "
                + "overwriting another agent's change); bundle groups a task's nodes; changes follows what changed.",
            capabilities: .init(
                resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false))
        )
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: ToolCatalog.tools.map(tool))
        }
        await server.withMethodHandler(CallTool.self) { call in
            await self.call(call, toolbox: toolbox, logger: logger)
        }
        await server.withMethodHandler(ListResources.self) { _ in ListResources.Result(resources: []) }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: templates)
        }
        await server.withMethodHandler(ReadResource.self) { read in
            try await self.read(read.uri, toolbox: toolbox)
        }
        return server
    }

    static func tool(_ definition: ToolDefinition) -> Tool {
        Tool(
            name: definition.name, title: definition.title, description: definition.summary,
            inputSchema: definition.inputSchema.mcpValue,
            annotations: .init(
                title: definition.title, readOnlyHint: definition.isReadOnly,
                destructiveHint: definition.isReadOnly ? nil : definition.isDestructive,
                idempotentHint: definition.isIdempotent, openWorldHint: false),
            outputSchema: definition.outputSchema.mcpValue)
    }

    static func call(_ call: CallTool.Parameters, toolbox: AgentToolbox, logger: Logger) async -> CallTool.Result {
        let arguments = (call.arguments ?? [:]).mapValues(JSONValue.init)
        do {
            let result = try await toolbox.call(call.name, arguments)
            return CallTool.Result(
                content: [.text(text: result.description, annotations: nil, _meta: nil)],
                structuredContent: Optional(result.mcpValue), isError: false)
        } catch {
            let reported = ServiceError(error)
            if reported.status >= 500 {
                logger.error("tool \(call.name) failed", metadata: ["error": "\(error)"])
            }
            let body = reported.body
            return CallTool.Result(
                content: [.text(text: body.description, annotations: nil, _meta: nil)], isError: true)
        }
    }

    static let templates = [
        Resource.Template(
            uriTemplate: "memorygraph://node/{id}", name: "node", title: "Memory node",
            description: "A memory node as JSON, the shape get_nodes returns.", mimeType: "application/json"),
        Resource.Template(
            uriTemplate: "memorygraph://bundle/{id}", name: "bundle", title: "Bundle",
            description: "A bundle of a task's memory nodes as JSON.", mimeType: "application/json"),
    ]

    static func read(_ uri: String, toolbox: AgentToolbox) async throws -> ReadResource.Result {
        let json: JSONValue?
        if let text = uri.trimmingPrefix("memorygraph://node/"), let id = NodeID(text) {
            json = try await toolbox.session.node(id).map(MemoryJSON.node)
        } else if let text = uri.trimmingPrefix("memorygraph://bundle/"), let id = BundleID(text) {
            json = try await toolbox.session.bundle(id).map(MemoryJSON.bundle)
        } else {
            throw MCPError.invalidParams(
                "\(uri) is not a MemoryGraph resource; use memorygraph://node/{id} or memorygraph://bundle/{id}")
        }
        guard let json else { throw MCPError.invalidParams("\(uri): there is no such node or bundle") }
        return ReadResource.Result(contents: [.text(json.description, uri: uri, mimeType: "application/json")])
    }
}

extension String {
    /// The rest of the string after `prefix`, `nil` when it does not start with it.
    fileprivate func trimmingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
