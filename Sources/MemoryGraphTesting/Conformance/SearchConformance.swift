import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Search by content: the ranking of ``SearchCorpus`` over the nodes as they are now, with the
/// filter and a session's scope applied inside the search.
public enum SearchConformance {
    /// Words drawn with a skew, so that they repeat and share prefixes.
    static let words = [
        "plan", "planner", "planning", "plant", "route", "router", "fetch", "fetched", "Summary", "agent", "flight",
        "hôtel", "hotel", "memory", "graph", "node",
    ]

    /// Random nodes, updated, removed and metadata searched, and random searches: each answers
    /// as ``SearchCorpus`` ranks the nodes that match its filter.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func randomSearches(on subject: ConformanceSubject, seed: UInt64) async throws {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.searchableMetadataPaths = ["title", "source.note"]
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: seed)
        func text() -> String {
            (0..<Int.random(in: 0...6, using: &random)).map { _ in
                let rank = Int(Double(words.count) * pow(Double.random(in: 0..<1, using: &random), 2))
                return words[min(rank, words.count - 1)]
            }.joined(separator: Bool.random(using: &random) ? " " : ", ")
        }
        var nodes: [NodeID: MemoryNode] = [:]
        let agents = ["scout", "planner", "critic"]
        let contexts = ["trip-1", "trip-2", "trip-3", "trip-4"]
        var drafts: [NodeDraft] = []
        for index in 0..<150 {
            drafts.append(
                NodeDraft(
                    agentID: agents[index % agents.count], taskContext: contexts[index % contexts.count],
                    result: [
                        "type": "note", "confidence_score": .double(Double(index % 10) / 10),
                        "summary": .string(text()),
                        "steps": [.string(text()), 3, ["detail": .string(text())]],
                    ],
                    metadata: [
                        "title": .string(text()), "source": ["note": .string(text()), "url": "planner.example"],
                    ]))
        }
        for id in try await graph.addNodes(drafts) { nodes[id] = try await graph.node(id) }
        let ids = nodes.keys.sorted()
        for id in ids.prefix(20) {
            try await graph.updateNode(id, result: ["type": "note", "summary": .string(text())])
            nodes[id] = try await graph.node(id)
        }
        for id in ids.suffix(15) {
            try await graph.removeNode(id)
            nodes[id] = nil
        }
        var corpus = SearchCorpus()
        for node in nodes.values {
            corpus.set(node.id, terms: node.searchTerms(metadataPaths: configuration.searchableMetadataPaths))
        }

        for round in 0..<40 {
            var words = text()
            while SearchTerm.parse(words).isEmpty { words = text() }
            if round % 3 == 0 { words += "*" }
            var request = SearchRequest(text: words, limit: Int.random(in: 1...30, using: &random))
            request.matching = round % 2 == 0 ? .all : .any
            if Bool.random(using: &random) { request.filter.agentIDs = [agents[round % agents.count]] }
            if Bool.random(using: &random) { request.filter.contexts = Set(contexts.prefix(round % 4 + 1)) }
            if Bool.random(using: &random) { request.filter.minConfidence = Double(round % 10) / 10 }
            let filter = request.filter
            let expected = corpus.rank(SearchTerm.parse(words), matching: request.matching, limit: request.limit) {
                id in
                guard let node = nodes[id] else { return false }
                return (filter.agentIDs?.contains(node.agentID) ?? true)
                    && (filter.contexts?.contains(node.taskContext) ?? true)
                    && (filter.minConfidence.map { (node.result["confidence_score"]?.doubleValue ?? -1) >= $0 } ?? true)
            }
            let hits = try await graph.search(request)
            #expect(hits.map(\.node.id) == expected.map(\.id), "\"\(words)\" \(request.matching) \(filter)")
            for (hit, want) in zip(hits, expected) {
                #expect(abs(hit.score - want.score) < 1e-9)
                #expect(hit.node == nodes[hit.node.id])
            }
        }

        // A session sees the best of its scope; the filter and the scope both apply.
        let session = try graph.session(agent: "critic", reading: ReadScope(agentIDs: ["critic", "scout"]))
        let text = "plan* route"
        let request = SearchRequest(text: text, limit: 50, matching: .any)
        let seen = try await session.search(request)
        var visible = SearchCorpus()
        for node in nodes.values where ["critic", "scout"].contains(node.agentID) {
            visible.set(node.id, terms: node.searchTerms(metadataPaths: configuration.searchableMetadataPaths))
        }
        let expected = visible.rank(SearchTerm.parse(text), matching: .any, limit: 50)
        #expect(seen.map(\.node.id) == expected.map(\.id))
        for (hit, want) in zip(seen, expected) { #expect(abs(hit.score - want.score) < 1e-9) }
    }

    /// Bad searches fail with `.invalidArgument` and say why.
    ///
    /// - Throws: When the store cannot be opened.
    public static func badSearches(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        try await graph.addNode(agentID: "a", taskContext: "c", result: ["summary": "a plan"])
        let manyWords = (0...SearchRequest.maximumTerms).map { "word\($0)" }.joined(separator: " ")
        for request in [
            SearchRequest(text: ""), SearchRequest(text: " ... !!! "), SearchRequest(text: "*"),
            SearchRequest(text: manyWords), SearchRequest(text: String(repeating: "a ", count: 2_049)),
            SearchRequest(text: "plan", limit: 0), SearchRequest(text: "plan", limit: SearchRequest.maximumLimit + 1),
            SearchRequest(
                text: "plan",
                filter: {
                    var filter = MemoryQuery()
                    filter.minConfidence = .nan
                    return filter
                }()),
        ] {
            let error = await #expect(throws: MemoryGraphError.self, "\(request)") { try await graph.search(request) }
            #expect(error?.code == .invalidArgument && error?.message.isEmpty == false)
        }
    }
}
