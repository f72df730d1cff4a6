import ArgumentParser

#if Service
    import MemoryGraphService

    /// The agent service's commands: `mcp`, `serve` and `token`.
    let serviceCommands: [any ParsableCommand.Type] = [MCPCommand.self]
#else
    /// This build leaves out the agent service (the package trait "Service").
    let serviceCommands: [any ParsableCommand.Type] = []
#endif
