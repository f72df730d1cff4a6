import ArgumentParser
import MemoryGraph
import MemoryGraphTools

/// `memory-graph search PATH TEXT [--agent A]… [--context C]… [--type T]… [--since D] [--until D]
/// [--min-confidence X] [--max-confidence X] [--limit N] [--any]`.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Print the nodes whose words best match TEXT, best first, one JSON object per line with its score.",
        discussion: """
            Ranked by BM25; every criterion given applies inside the search. A word ending in * matches every \
            word it starts (plan* finds planner). Each line is the node as query prints it, with "score" added.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The words to find.") var text: String
    @OptionGroup var criteria: QueryCriteria
    @Option(help: "The most nodes to print (1 to 1000).") var limit = 10
    @Flag(help: "Find nodes holding any of the words, not only those holding every one.") var any = false

    func validate() throws {
        guard (1...SearchRequest.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be from 1 to \(SearchRequest.maximumLimit)")
        }
    }

    func run() async throws {
        let graph = try store.open()
        defer { graph.close() }
        let request = SearchRequest(text: text, filter: criteria.query, limit: limit, matching: any ? .any : .all)
        for hit in try await graph.search(request) {
            guard case .object(var fields) = MemoryJSON.node(hit.node) else { continue }
            fields["score"] = .double(hit.score)
            OutputFormat.printLine(try JSONValue.object(fields).jsonString())
        }
    }
}
