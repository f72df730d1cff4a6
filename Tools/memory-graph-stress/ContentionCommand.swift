import ArgumentParser

/// `memory-graph-stress contention …`: the roles of the processes the multi-process tests start
/// on one store (hidden: the tests drive them, a person has no use for them alone).
struct ContentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contention",
        abstract: "Processes sharing one store: a writer, a checking reader, a reader that holds its snapshot.",
        shouldDisplay: false,
        subcommands: [
            ContentionWriteCommand.self, ContentionReadCommand.self, HoldReadCommand.self,
            ContentionIncrementCommand.self,
        ])
}
