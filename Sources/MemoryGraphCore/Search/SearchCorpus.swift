/// Searchable documents held in memory, ranked by ``BM25``: the reference a search index is
/// held to.
///
/// A document is the terms of one node (see ``TextAnalyzer``); a node without terms is none.
/// The statistics — how many documents there are, their average length, how many hold each
/// term — are those of every document, whatever a search's filter keeps.
public struct SearchCorpus: Sendable {
    /// One document: how often each term occurs, and how many terms it has.
    public struct Document: Sendable, Hashable {
        /// Each term's count.
        public var frequencies: [String: Int]
        /// The number of terms, repeats included.
        public var length: Int

        /// The document of `terms`.
        public init(terms: [String]) {
            frequencies = terms.reduce(into: [:]) { $0[$1, default: 0] += 1 }
            length = terms.count
        }
    }

    /// The documents by node.
    public private(set) var documents: [NodeID: Document] = [:]
    /// How many documents hold each term.
    public private(set) var documentFrequencies: [String: Int] = [:]
    /// The sum of the documents' lengths.
    public private(set) var totalLength = 0

    /// An empty corpus.
    public init() {}

    /// The average document length (0 without documents).
    public var averageLength: Double { documents.isEmpty ? 0 : Double(totalLength) / Double(documents.count) }

    /// Makes `terms` the document of `id`, replacing the one it had; no terms removes it.
    public mutating func set(_ id: NodeID, terms: [String]) {
        remove(id)
        guard !terms.isEmpty else { return }
        let document = Document(terms: terms)
        documents[id] = document
        totalLength += document.length
        for term in document.frequencies.keys { documentFrequencies[term, default: 0] += 1 }
    }

    /// Removes the document of `id`, if it has one.
    public mutating func remove(_ id: NodeID) {
        guard let document = documents.removeValue(forKey: id) else { return }
        totalLength -= document.length
        for term in document.frequencies.keys {
            let left = (documentFrequencies[term] ?? 1) - 1
            documentFrequencies[term] = left > 0 ? left : nil
        }
    }

    /// The best `limit` documents among those `isCandidate` keeps that match `terms` as
    /// `matching` says, best first: by score, then by node id, newest first.
    ///
    /// A document's score sums, in the order of `terms`, each term's ``BM25/termScore(frequency:length:averageLength:weight:)``;
    /// a prefix term contributes every word it starts that the document holds, in byte order.
    public func rank(
        _ terms: [SearchTerm], matching: SearchMatching, limit: Int, parameters: BM25 = BM25(),
        isCandidate: (NodeID) -> Bool = { _ in true }
    ) -> [(id: NodeID, score: Double)] {
        guard !terms.isEmpty, limit > 0 else { return [] }
        let vocabulary = documentFrequencies.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let expansions = terms.map { term -> [(word: String, weight: Double)] in
            vocabulary.filter(term.matches).map { word in
                (
                    word,
                    parameters.inverseDocumentFrequency(matching: documentFrequencies[word] ?? 0, of: documents.count)
                )
            }
        }
        var hits: [(id: NodeID, score: Double)] = []
        for (id, document) in documents where isCandidate(id) {
            var score = 0.0
            var matched = 0
            for words in expansions {
                var found = false
                for (word, weight) in words {
                    guard let frequency = document.frequencies[word] else { continue }
                    found = true
                    score += parameters.termScore(
                        frequency: frequency, length: document.length, averageLength: averageLength, weight: weight)
                }
                if found { matched += 1 }
            }
            let matches = matching == .all ? matched == terms.count : matched > 0
            if matches { hits.append((id, score)) }
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }
        return Array(hits.prefix(limit))
    }
}
