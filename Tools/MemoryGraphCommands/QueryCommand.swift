import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph query PATH [--agent A]… [--context C]… [--type T]… [--since D] [--until D]
/// [--min-confidence X] [--max-confidence X] [--limit N] [--oldest-first] [--explain]`.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print the nodes matching every given criterion, one JSON object per line.",
        discussion: "Repeat --agent, --context or --type to match any of several values.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("agent"), help: "An agent id (repeatable).") var agents: [String] = []
    @Option(name: .customLong("context"), help: "A task context (repeatable).") var contexts: [String] = []
    @Option(name: .customLong("type"), help: "A result type (repeatable).") var types: [String] = []
    @Option(help: "Only nodes at or after this ISO 8601 time.") var since: String?
    @Option(help: "Only nodes before this ISO 8601 time.") var until: String?
    @Option(help: "Only nodes with at least this confidence.") var minConfidence: Double?
    @Option(help: "Only nodes with at most this confidence.") var maxConfidence: Double?
    @Option(help: "The most nodes to print.") var limit = 100
    @Flag(help: "Oldest first instead of newest first.") var oldestFirst = false
    @Flag(help: "Print the query plan instead of the nodes.") var explain = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        for (name, text) in [("--since", since), ("--until", until)] {
            if let text, OutputFormat.date(text) == nil {
                throw ValidationError("\(name) \(text) is not an ISO 8601 time such as 2026-11-24T09:30:00Z")
            }
        }
    }

    /// The query the options describe.
    var query: MemoryQuery {
        var query = MemoryQuery()
        if !agents.isEmpty { query.agentIDs = Set(agents) }
        if !contexts.isEmpty { query.contexts = Set(contexts) }
        if !types.isEmpty { query.types = Set(types) }
        let start = since.flatMap(OutputFormat.date)
        let end = until.flatMap(OutputFormat.date)
        if start != nil || end != nil {
            let lower = start ?? .distantPast
            query.timeRange = lower..<max(lower, end ?? .distantFuture)
        }
        query.minConfidence = minConfidence
        query.maxConfidence = maxConfidence
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
                OutputFormat.printLine(try OutputFormat.json(node).jsonString())
                printed += 1
            }
            guard printed < limit, let cursor = page.nextCursor else { return }
            page = try graph.query(query, after: cursor)
        }
    }
}
