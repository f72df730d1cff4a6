import ArgumentParser

/// `memory-graph-bench`: the reference workload against SQLite and raw LMDB, the load test and the
/// crash test.
@main
struct BenchTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-graph-bench",
        abstract: "Measure MemoryGraph on the reference workload, side by side with SQLite and raw LMDB.",
        subcommands: [
            RunCommand.self, LoadTestCommand.self, CrashTestCommand.self, CrashWriterCommand.self,
            ContentionCommand.self,
        ])
}
