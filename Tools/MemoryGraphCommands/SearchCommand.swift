import ArgumentParser
import MemoryGraph
import MemoryGraphTools

/// `memory-graph search PATH [TEXT] [--embedding JSON] [--metric M] [--agent A]… [--context C]…
/// [--type T]… [--since D] [--until D] [--min-confidence X] [--max-confidence X] [--limit N] [--any]
/// [--explain]`.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract:
            "Print the nodes that best match TEXT, an embedding or both, best first, one JSON object per line with "
            + "its score.",
        discussion: """
            TEXT ranks by BM25; --embedding by the metric, nearest first; both by the two rankings fused \
            (reciprocal rank fusion). Every criterion given applies inside the search. A word ending in * matches \
            every word it starts (plan* finds planner). Each line is the node as query prints it, with "score" added.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The words to find.") var text: String?
    @Option(help: "An embedding of the store's dimension, as a JSON array of numbers: find the nearest nodes.")
    var embedding: String?
    @Option(help: "How embeddings are compared: cosine, dot or euclidean.") var metric = "cosine"
    @OptionGroup var criteria: QueryCriteria
    @Option(help: "The most nodes to print (1 to 1000).") var limit = 10
    @Flag(help: "Find nodes holding any of the words, not only those holding every one.") var any = false
    @Flag(help: "Print how the search ran (each ranking's way, figures and reason) instead of the nodes.")
    var explain = false

    func validate() throws {
        guard (1...SearchRequest.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be from 1 to \(SearchRequest.maximumLimit)")
        }
        guard text != nil || embedding != nil else { throw ValidationError("give TEXT, --embedding or both") }
        guard VectorMetric(rawValue: metric) != nil else {
            throw ValidationError(
                "--metric must be one of \(VectorMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try vector()
    }

    /// The `--embedding` argument's numbers.
    private func vector() throws -> [Float]? {
        guard let embedding else { return nil }
        let items = (try? JSONValue(jsonString: embedding))?.arrayValue ?? []
        let numbers = items.compactMap { item in item.boolValue == nil ? item.doubleValue.map(Float.init) : nil }
        guard !items.isEmpty, numbers.count == items.count else {
            throw ValidationError("--embedding must be a JSON array of numbers, such as [0.12, -0.5, 0.33]")
        }
        return numbers
    }

    func run() async throws {
        let graph = try store.open()
        defer { graph.close() }
        let request = SearchRequest(
            text: text, nearest: try vector(), metric: VectorMetric(rawValue: metric) ?? .cosine,
            filter: criteria.query, limit: limit, matching: any ? .any : .all)
        if explain {
            OutputFormat.printLine(try await graph.explain(request).description)
            return
        }
        for hit in try await graph.search(request) {
            guard case .object(var fields) = MemoryJSON.node(hit.node) else { continue }
            fields["score"] = .double(hit.score)
            OutputFormat.printLine(try JSONValue.object(fields).jsonString())
        }
    }
}
