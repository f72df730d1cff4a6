import ArgumentParser
import Foundation
import MemoryGraph
import MemoryGraphTools

/// The criteria options of `query` and `forget`: each given one narrows the match.
struct QueryCriteria: ParsableArguments {
    @Option(name: .customLong("agent"), help: "An agent id (repeatable).") var agents: [String] = []
    @Option(name: .customLong("context"), help: "A task context (repeatable).") var contexts: [String] = []
    @Option(name: .customLong("type"), help: "A result type (repeatable).") var types: [String] = []
    @Option(help: "Only nodes at or after this ISO 8601 time.") var since: String?
    @Option(help: "Only nodes before this ISO 8601 time.") var until: String?
    @Option(help: "Only nodes with at least this confidence.") var minConfidence: Double?
    @Option(help: "Only nodes with at most this confidence.") var maxConfidence: Double?

    func validate() throws {
        for (name, text) in [("--since", since), ("--until", until)] {
            if let text, MemoryJSON.date(text) == nil {
                throw ValidationError("\(name) \(text) is not an ISO 8601 time such as 2026-11-24T09:30:00Z")
            }
        }
    }

    /// Whether no criterion was given.
    var isEmpty: Bool {
        agents.isEmpty && contexts.isEmpty && types.isEmpty && since == nil && until == nil && minConfidence == nil
            && maxConfidence == nil
    }

    /// A query with these criteria and the defaults otherwise.
    var query: MemoryQuery {
        var query = MemoryQuery()
        if !agents.isEmpty { query.agentIDs = Set(agents) }
        if !contexts.isEmpty { query.contexts = Set(contexts) }
        if !types.isEmpty { query.types = Set(types) }
        let start = since.flatMap(MemoryJSON.date)
        let end = until.flatMap(MemoryJSON.date)
        if start != nil || end != nil {
            let lower = start ?? .distantPast
            query.timeRange = lower..<max(lower, end ?? .distantFuture)
        }
        query.minConfidence = minConfidence
        query.maxConfidence = maxConfidence
        return query
    }
}
