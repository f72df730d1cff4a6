public import ArgumentParser
import Logging
import MCP
import MemoryGraph
import MemoryGraphTools

/// `memory-graph mcp (--path STORE | --backend …) --agent AGENT [--read-agents …] [--read-contexts …]`: the
/// MemoryGraph tools for one MCP client over standard input and output.
public struct MCPCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the memory to one MCP client over standard input and output.",
        discussion: """
            An MCP client starts one of these processes for itself; any number of them share one store. \
            The agent comes from --agent, never from a tool's arguments; the client sees only what the read \
            scope allows. Logs go to standard error.
            """)

    @OptionGroup var store: StoreLocationOptions
    @Option(help: "The agent this client writes as.") var agent: String
    @OptionGroup var scope: ScopeOptions
    @Flag(help: "Refuse the tools that write.") var readOnly = false
    @Option(help: "The least severe log level written to standard error.") var logLevel: Logger.Level = .warning

    public init() {}

    public func validate() throws {
        guard !agent.isEmpty, agent.utf8.count <= Limits.maximumNameLength else {
            throw ValidationError("--agent must be 1 to \(Limits.maximumNameLength) bytes")
        }
    }

    public func run() async throws {
        ServiceLogging.bootstrap(level: logLevel)
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        configuration.logger = Logger(label: "memory-graph")
        let graph = try await store.location.open(configuration: configuration)
        defer { graph.close() }
        let toolbox = AgentToolbox(session: try graph.session(agent: agent, reading: scope.scope), readOnly: readOnly)
        let logger = Logger(label: "memory-graph.mcp")
        let server = await MCPToolServer.make(toolbox: toolbox, logger: logger)
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
