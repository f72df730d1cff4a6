import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

extension BenchRun {
    /// The most queries S9 runs per repetition (fewer when `--queries` is lower).
    static let textSearchQueries = 200

    /// One query of S9: the words (indexes into ``TextCorpus/vocabulary``), all required, and
    /// S4's filter or none.
    struct TextQuery: Sendable {
        var words: [Int]
        var filter: S4Filter?

        var text: String { words.map { TextCorpus.vocabulary[$0] }.joined(separator: " ") }
        var request: SearchRequest {
            SearchRequest(text: text, filter: filter?.query ?? MemoryQuery(), limit: BenchRun.searchLimit)
        }
    }

    /// The k of S9 and S10.
    static let searchLimit = 10

    /// S9: full-text search, on a store of its own that holds the data set's nodes (agents,
    /// contexts, types, confidences, timestamps) with a text of words (``TextCorpus``) as the
    /// result's `summary`; 1–3 words a query, all required, top 10 by BM25, without a filter
    /// (S9) and with S4's (S9f). The SQLite twin is an FTS5 table over the same texts, ranked
    /// by `bm25()`, the filter joined in the same statement. Every engine's answers are checked
    /// against BM25 computed here, each with its own idf; where the idfs rank differently, how
    /// far the two engines' top 10 agree is reported.
    func s9TextSearch() throws -> [ScenarioResult] {
        let nodes = workload.nodes
        let count = min(queries, Self.textSearchQueries)
        let corpus = TextCorpus(count: nodes.count, seed: seed)
        // Both engines index every string of the result: the text, and the words of `type`
        // (`tool_call` is two).
        let reference = BM25Reference(corpus: corpus, extraTokens: nodes.map { $0.type.split(separator: "_").count })
        var random = SplitMix64(seed: seed ^ 0x5E_A2C4_0009)
        func words(of document: Int) -> [Int] {
            var distinct = Array(Set(corpus.documents[document].map(Int.init))).sorted()
            distinct.shuffle(using: &random)
            return Array(distinct.prefix(Int.random(in: 1...3, using: &random)))
        }
        let unfiltered = (0..<count).map { _ in
            TextQuery(words: words(of: Int.random(in: 0..<nodes.count, using: &random)), filter: nil)
        }
        // A filtered query's words come from a node the filter keeps (when it keeps one), so
        // that it finds something.
        let filtered = (0..<count).map { _ -> TextQuery in
            let filter = S4Filter.draw(from: workload, using: &random)
            let keeps = filter.predicate()
            let kept = nodes.indices.filter { keeps(nodes[$0]) }
            let source = kept.randomElement(using: &random) ?? Int.random(in: 0..<nodes.count, using: &random)
            return TextQuery(words: words(of: source), filter: filter)
        }

        let path = directory + "/s9-text"
        let sqlitePath = directory + "/s9-sqlite.db"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
        }
        let graph = try MemoryGraph(path: path, configuration: configuration(caching: true), lmdb: lmdb)
        defer { graph.close() }
        let batches = stride(from: 0, to: nodes.count, by: 1_000).map { $0..<min($0 + 1_000, nodes.count) }
        var loadDetail = "load"
        let graphLoad = try Measurement.time(batches.count) { batch in
            _ = try graph.addNodes(
                batches[batch].map { index in
                    let node = nodes[index]
                    return NodeDraft(
                        id: node.id, agentID: node.agent, taskContext: node.context,
                        result: [
                            "type": .string(node.type), "confidence_score": .double(node.confidence),
                            "summary": .string(corpus.text(index)),
                        ], metadata: node.metadata, timestamp: node.timestamp)
                })
        }
        loadDetail += String(
            format: ": MemoryGraph %.0f nodes/s, %@", Double(nodes.count) / graphLoad.seconds,
            sizeText(diskBytes(path)))
        var fullText: SQLiteFullText?
        if twin != nil {
            let sqlite = try SQLiteFullText(path: sqlitePath)
            // The text FTS5 indexes is what MemoryGraph reads of the result: the summary, then the type.
            let sqliteLoad = try Measurement.time(batches.count) { batch in
                try sqlite.insert(
                    batches[batch].map { index in (index, nodes[index], corpus.text(index) + " " + nodes[index].type) })
            }
            loadDetail += String(
                format: "; SQLite + FTS5 %.0f nodes/s, %@", Double(nodes.count) / sqliteLoad.seconds,
                sizeText(diskBytes(sqlitePath) + diskBytes(sqlitePath + "-wal")))
            fullText = sqlite
        }
        let documents = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })

        var results: [ScenarioResult] = []
        for (id, list) in [("S9", unfiltered), ("S9f", filtered)] {
            // The answers, before any time is taken.
            var agreement = TopAgreement()
            var matches = 0
            for (index, query) in list.enumerated() {
                let request = query.request
                let hits = try awaitFromThread { try await graph.search(request) }
                let mine = hits.map { (documents[$0.node.id] ?? -1, $0.score) }
                let keeps = query.filter?.predicate()
                let expected = reference.matches(query.words, weighting: .memoryGraph) { document in
                    keeps?(nodes[document]) ?? true
                }
                matches += expected.count
                guard BM25Reference.agrees(mine, with: expected, limit: Self.searchLimit) else {
                    throw AnswerMismatch(
                        description:
                            "\(id): MemoryGraph's top \(Self.searchLimit) for \"\(query.text)\" (query \(index)) "
                            + "is not BM25's: \(mine.prefix(3)) … against \(expected.prefix(3)) …, "
                            + "\(mine.count) hits of \(expected.count) matches")
                }
                guard let fullText else { continue }
                let theirs = try fullText.search(
                    query.words.map { TextCorpus.vocabulary[$0] }, filter: query.filter, limit: Self.searchLimit)
                let expectedByFTS5 = reference.matches(query.words, weighting: .fts5) { document in
                    keeps?(nodes[document]) ?? true
                }
                guard BM25Reference.agrees(theirs, with: expectedByFTS5, limit: Self.searchLimit) else {
                    throw AnswerMismatch(
                        description: "\(id): FTS5's top \(Self.searchLimit) for \"\(query.text)\" (query \(index)) "
                            + "is not BM25's with FTS5's idf: \(theirs.prefix(3)) … against \(expectedByFTS5.prefix(3))"
                    )
                }
                agreement.add(mine.map(\.0), theirs.map(\.document))
            }

            let requests = list.map(\.request)
            let mine = try repeatedAwaiting(requests.count) { index in _ = try await graph.search(requests[index]) }
            let theirs = try fullText.map { sqlite in
                try repeated(list.count) { index in
                    _ = try sqlite.search(
                        list[index].words.map { TextCorpus.vocabulary[$0] }, filter: list[index].filter,
                        limit: Self.searchLimit)
                }
            }
            var result = ScenarioResult(
                id: id,
                title: id == "S9"
                    ? "full-text search, 1–3 words, top \(Self.searchLimit)"
                    : "full-text search with S4's filter, top \(Self.searchLimit)",
                memoryGraph: mine, baselineName: "SQLite FTS5", baseline: theirs)
            var detail = String(
                format:
                    "%@ answers: %d queries a repetition (at most 200), %.1f matching nodes a query on average; MemoryGraph's top %d "
                    + "is BM25's on every query", id, list.count, Double(matches) / Double(max(list.count, 1)),
                Self.searchLimit)
            if fullText != nil {
                detail += "; FTS5's is BM25's with its own idf, ln((N − n + 0.5)/(n + 0.5)) floored, on every query; "
                detail += "the two agree " + agreement.summary
            }
            if id == "S9" {
                detail +=
                    "\nS9 store (\(nodes.count) nodes, texts of 8–30 words of \(TextCorpus.vocabulary.count), Zipf): "
                detail += loadDetail
            }
            result.detail = detail
            results.append(result)
        }
        return results
    }
}

/// How far two engines' top-k lists agree over many queries: in order, as sets, and their
/// overlap.
struct TopAgreement {
    private(set) var queries = 0
    private(set) var sameOrder = 0
    private(set) var sameSet = 0
    private var overlap = 0.0

    mutating func add(_ a: [Int], _ b: [Int]) {
        queries += 1
        if a == b { sameOrder += 1 }
        let shared = Set(a).intersection(b).count
        if shared == a.count, shared == b.count { sameSet += 1 }
        overlap += a.isEmpty && b.isEmpty ? 1 : Double(shared) / Double(max(a.count, b.count))
    }

    /// "in order on x %, as sets on y %, mean overlap z %".
    var summary: String {
        let total = Double(max(queries, 1))
        return String(
            format: "in order on %.1f %%, as sets on %.1f %% of queries; mean overlap %.1f %%",
            Double(sameOrder) / total * 100, Double(sameSet) / total * 100, overlap / total * 100)
    }
}

/// `bytes` in MB, one decimal.
func sizeText(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
