import Foundation

/// S9's answers computed here, from the words the benchmark generated: every document that
/// holds all the query's words, scored by Okapi BM25 (k1 1.2, b 0.75) with either engine's
/// inverse document frequency. What each engine returns is checked against it.
struct BM25Reference {
    /// How a word's weight follows from the `n` documents that hold it among `N`.
    enum Weighting {
        /// MemoryGraph's (Lucene's): ln(1 + (N − n + 0.5) / (n + 0.5)), never negative.
        case memoryGraph
        /// SQLite FTS5's `bm25()`: ln((N − n + 0.5) / (n + 0.5)), 10⁻⁶ where that is not positive.
        case fts5
    }

    /// One document's part: which document, and how often the word occurs in it.
    struct Posting {
        var document: Int32
        var frequency: UInt16
    }

    /// For each word of the vocabulary, the documents that hold it, in document order.
    private let postings: [[Posting]]
    /// Each document's length in tokens: its words and those of its `type`.
    private let lengths: [Int]
    private let averageLength: Double

    private static let k1 = 1.2
    private static let b = 0.75

    /// The reference of `corpus`, whose document `i` also holds `extraTokens[i]` tokens no query
    /// asks for (the words of the node's `type`, which both engines index too).
    init(corpus: TextCorpus, extraTokens: [Int]) {
        var postings = Array(repeating: [Posting](), count: TextCorpus.vocabulary.count)
        var lengths: [Int] = []
        lengths.reserveCapacity(corpus.documents.count)
        for (index, words) in corpus.documents.enumerated() {
            var counts: [UInt16: UInt16] = [:]
            for word in words { counts[word, default: 0] += 1 }
            for (word, count) in counts.sorted(by: { $0.key < $1.key }) {
                postings[Int(word)].append(Posting(document: Int32(index), frequency: count))
            }
            lengths.append(words.count + extraTokens[index])
        }
        self.postings = postings
        self.lengths = lengths
        averageLength = lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
    }

    /// Every document that `isCandidate` keeps and that holds each of `words` (indexes into the
    /// vocabulary, distinct), with its score summed in the order of `words`, best first; ties in
    /// no particular order.
    func matches(_ words: [Int], weighting: Weighting, isCandidate: (Int) -> Bool) -> [(document: Int, score: Double)] {
        guard let rarest = words.min(by: { postings[$0].count < postings[$1].count }) else { return [] }
        let total = Double(lengths.count)
        let weights = words.map { word -> Double in
            let n = Double(postings[word].count)
            switch weighting {
            case .memoryGraph: return log(1 + (total - n + 0.5) / (n + 0.5))
            case .fts5:
                let idf = log((total - n + 0.5) / (n + 0.5))
                return idf > 0 ? idf : 1e-6
            }
        }
        var found: [(document: Int, score: Double)] = []
        for posting in postings[rarest] where isCandidate(Int(posting.document)) {
            var score = 0.0
            var holdsAll = true
            for (position, word) in words.enumerated() {
                guard let frequency = frequency(of: word, in: posting.document) else {
                    holdsAll = false
                    break
                }
                let f = Double(frequency)
                let norm = averageLength > 0 ? Double(lengths[Int(posting.document)]) / averageLength : 1
                score += weights[position] * f * (Self.k1 + 1) / (f + Self.k1 * (1 - Self.b + Self.b * norm))
            }
            if holdsAll { found.append((Int(posting.document), score)) }
        }
        return found.sorted { $0.score > $1.score }
    }

    /// How often `word` occurs in `document`; `nil` when it does not (a binary search of the
    /// word's postings).
    private func frequency(of word: Int, in document: Int32) -> UInt16? {
        let list = postings[word]
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].document < document { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low].document == document ? list[low].frequency : nil
    }

    /// Whether `hits` (documents with the engine's scores, best first) are a correct top `limit`
    /// of `reference` (``matches(_:weighting:isCandidate:)``): as many as there should be, each a
    /// match scored as the reference scores it, and at each rank the score the reference has
    /// there — so only the order among equal scores may differ. Scores are compared to 10⁻⁹ of
    /// their size, the rounding of sums taken in another order.
    static func agrees(
        _ hits: [(document: Int, score: Double)], with reference: [(document: Int, score: Double)], limit: Int
    )
        -> Bool
    {
        guard hits.count == min(limit, reference.count) else { return false }
        let scores = Dictionary(reference.map { ($0.document, $0.score) }, uniquingKeysWith: { first, _ in first })
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
        for (rank, hit) in hits.enumerated() {
            guard let score = scores[hit.document], close(score, hit.score), close(hit.score, reference[rank].score)
            else { return false }
        }
        return Set(hits.map(\.document)).count == hits.count
    }
}
