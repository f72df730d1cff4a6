import ArgumentParser

/// `memory-graph-stress`: the load test, the crash test and the roles of the processes the
/// multi-process tests start on one store.
@main
struct StressTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-graph-stress",
        abstract: "Put a MemoryGraph store under load, kill writers with SIGKILL, and share it between processes.",
        subcommands: [LoadTestCommand.self, CrashTestCommand.self, CrashWriterCommand.self, ContentionCommand.self])
}
