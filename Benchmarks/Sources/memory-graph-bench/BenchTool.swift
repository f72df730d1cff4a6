import ArgumentParser

/// `memory-graph-bench`: the reference workload on MemoryGraph, side by side with SQLite and raw
/// LMDB.
@main
struct BenchTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-graph-bench",
        abstract: "Measure MemoryGraph on the reference workload, side by side with SQLite and raw LMDB.",
        subcommands: [RunCommand.self, FollowLatencyCommand.self])
}
