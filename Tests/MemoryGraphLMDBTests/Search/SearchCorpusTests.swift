import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// ``SearchCorpus`` against BM25 computed directly from the documents' word lists.
@Suite("BM25 ranking")
struct SearchCorpusTests {
    /// A small vocabulary, drawn with a Zipf-like skew, so that terms repeat and prefixes overlap.
    static let vocabulary = [
        "plan", "planner", "planning", "plant", "route", "router", "fetch", "fetched", "summary", "agent", "a", "b",
        "memory", "graph", "node", "link",
    ]

    static func word(_ random: inout SplitMix64) -> String {
        let rank = Int(Double(vocabulary.count) * pow(Double.random(in: 0..<1, using: &random), 2))
        return vocabulary[min(rank, vocabulary.count - 1)]
    }

    /// The oracle: BM25 straight from the word lists, with its own arithmetic.
    static func oracle(
        _ documents: [NodeID: [String]], _ terms: [SearchTerm], _ matching: SearchMatching, limit: Int,
        isCandidate: (NodeID) -> Bool
    ) -> [(NodeID, Double)] {
        let live = documents.filter { !$0.value.isEmpty }
        let count = Double(live.count)
        let average = live.isEmpty ? 0 : Double(live.values.map(\.count).reduce(0, +)) / count
        let words = Set(live.values.flatMap { $0 }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var hits: [(NodeID, Double)] = []
        for (id, document) in live where isCandidate(id) {
            var score = 0.0
            var matched = 0
            for term in terms {
                var found = false
                for word in words where term.matches(word) {
                    let frequency = Double(document.filter { $0 == word }.count)
                    guard frequency > 0 else { continue }
                    found = true
                    let holding = Double(live.values.filter { $0.contains(word) }.count)
                    let idf = log(1 + (count - holding + 0.5) / (holding + 0.5))
                    score +=
                        idf * frequency * 2.2 / (frequency + 1.2 * (0.25 + 0.75 * Double(document.count) / average))
                }
                if found { matched += 1 }
            }
            if matching == .all ? matched == terms.count : matched > 0 { hits.append((id, score)) }
        }
        hits.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 > $1.0 }
        return Array(hits.prefix(limit))
    }

    @Test("random documents, replacements and removals: every search ranks as BM25 computed directly", arguments: 0..<8)
    func randomCorpora(seed: UInt64) {
        var random = SplitMix64(seed: 0xB325 &+ seed)
        var corpus = SearchCorpus()
        var model: [NodeID: [String]] = [:]
        let ids = (0..<60).map { _ in NodeID() }
        for round in 0..<300 {
            let id = ids[Int.random(in: 0..<ids.count, using: &random)]
            if Int.random(in: 0..<5, using: &random) == 0 {
                corpus.remove(id)
                model[id] = nil
            } else {
                let words = (0..<Int.random(in: 0..<12, using: &random)).map { _ in Self.word(&random) }
                corpus.set(id, terms: words)
                model[id] = words
            }
            guard round % 10 == 0 else { continue }
            let text = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                let word = Self.word(&random)
                return Bool.random(using: &random)
                    ? String(word.prefix(Int.random(in: 1...word.count, using: &random))) + "*" : word
            }.joined(separator: " ")
            let terms = SearchTerm.parse(text)
            let matching = SearchMatching.allCases[Int.random(in: 0..<2, using: &random)]
            let excluded = Set(ids.filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
            let limit = Int.random(in: 1...20, using: &random)
            let ranked = corpus.rank(terms, matching: matching, limit: limit) { !excluded.contains($0) }
            let expected = Self.oracle(model, terms, matching, limit: limit) { !excluded.contains($0) }
            #expect(ranked.map(\.id) == expected.map(\.0), "\(text) (\(matching))")
            for (hit, want) in zip(ranked, expected) { #expect(abs(hit.score - want.1) < 1e-9) }
        }
        #expect(corpus.documents.count == model.values.filter { !$0.isEmpty }.count)
        #expect(corpus.totalLength == model.values.map(\.count).reduce(0, +))
    }

    @Test("a rarer term weighs more, a repeated term saturates, a longer document is discounted")
    func rankingShape() {
        var corpus = SearchCorpus()
        let (rare, common, repeated, long) = (NodeID(), NodeID(), NodeID(), NodeID())
        corpus.set(rare, terms: ["zebra", "cat"])
        corpus.set(common, terms: ["cat", "dog"])
        corpus.set(repeated, terms: ["cat", "cat", "cat", "dog"])
        corpus.set(long, terms: ["cat"] + Array(repeating: "filler", count: 20))
        for _ in 0..<5 { corpus.set(NodeID(), terms: ["dog", "cat"]) }
        let zebra = corpus.rank(SearchTerm.parse("zebra cat"), matching: .any, limit: 10)
        #expect(zebra.first?.id == rare)
        let cats = corpus.rank(SearchTerm.parse("cat"), matching: .all, limit: 20)
        let score = Dictionary(uniqueKeysWithValues: cats.map { ($0.id, $0.score) })
        #expect((score[repeated] ?? 0) > (score[common] ?? 0))
        #expect((score[repeated] ?? 0) < 3 * (score[common] ?? 0))
        #expect((score[long] ?? 0) < (score[common] ?? 0))
        #expect(corpus.rank(SearchTerm.parse("cat unicorn"), matching: .all, limit: 10).isEmpty)
    }
}
