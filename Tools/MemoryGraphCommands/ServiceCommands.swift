import ArgumentParser

#if canImport(MemoryGraphService)
    import MemoryGraphService

    /// The agent service's commands: `mcp`, `serve` and `token`.
    let serviceCommands: [any ParsableCommand.Type] = [
        MCPCommand.self, ServeCommand.self, TokenCommand.self, MigrateCommand.self,
    ]
#else
    /// This build leaves out the agent service (MEMORY_GRAPH_WITHOUT_SERVICE, see Package.swift).
    let serviceCommands: [any ParsableCommand.Type] = []
#endif
