import ArgumentParser
import MemoryGraph

/// `memory-graph forget PATH [--agent A]… [--context C]… [--type T]… [--since D] [--until D]
/// [--min-confidence X] [--max-confidence X] [--all]`.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove every node matching the criteria, with its links and bundle memberships.",
        discussion: """
            Prints {"forgotten": N}. The nodes go in atomic batches of 1 000: interrupted, the store stays \
            consistent, and running the command again removes the rest. Only the change log's retained \
            entries remember the nodes afterwards. Without criteria it refuses, unless --all is given.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var criteria: QueryCriteria
    @Flag(help: "Forget every node (when no criterion is given).") var all = false

    func validate() throws {
        if criteria.isEmpty, !all {
            throw ValidationError(
                "give at least one criterion (--agent, --context, --type, …), or --all to forget every node")
        }
        if !criteria.isEmpty, all { throw ValidationError("--all forgets every node; it takes no criteria") }
    }

    func run() throws {
        let graph = try store.open(writable: true)
        defer { graph.close() }
        let forgotten = try graph.forget(matching: criteria.query)
        OutputFormat.printLine(try JSONValue.object(["forgotten": .int(forgotten)]).jsonString())
    }
}
