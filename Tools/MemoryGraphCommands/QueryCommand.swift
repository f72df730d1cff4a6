import ArgumentParser
import MemoryGraph
import MemoryGraphTools

/// `memory-graph query PATH [--agent A]… [--context C]… [--type T]… [--since D] [--until D]
/// [--min-confidence X] [--max-confidence X] [--limit N] [--oldest-first] [--explain]`.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print the nodes matching every given criterion, one JSON object per line.",
        discussion: "Repeat --agent, --context or --type to match any of several values.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var criteria: QueryCriteria
    @Option(help: "The most nodes to print.") var limit = 100
    @Flag(help: "Oldest first instead of newest first.") var oldestFirst = false
    @Flag(help: "Print the query plan instead of the nodes.") var explain = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    /// The query the options describe.
    var query: MemoryQuery {
        var query = criteria.query
        query.order = oldestFirst ? .oldestFirst : .newestFirst
        query.limit = min(limit, 1_000)
        return query
    }

    func run() throws {
        let graph = try store.open()
        defer { graph.close() }
        let query = query
        if explain {
            OutputFormat.printLine(try graph.explain(query).description)
            return
        }
        var printed = 0
        var page = try graph.query(query)
        while true {
            for node in page.nodes.prefix(limit - printed) {
                OutputFormat.printLine(try MemoryJSON.node(node).jsonString())
                printed += 1
            }
            guard printed < limit, let cursor = page.nextCursor else { return }
            page = try graph.query(query, after: cursor)
        }
    }
}
