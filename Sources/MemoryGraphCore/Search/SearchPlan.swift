/// How a search ran: which way each of its rankings was found and how much it read, as
/// ``MemoryGraph/explain(_:)-(SearchRequest)`` tells it.
public struct SearchPlan: Sendable, Hashable, Codable {
    /// A way one ranking is found.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// The full-text index: every posting of the query's words added to its node's score.
        case textIndex
        /// The full-text index: the few candidates (the filter's matches, or the postings of the
        /// rarest word when every word must match) looked up one by one.
        case textIndexCandidates
        /// Every node the search can see read and its words counted: the backend has no index
        /// for this search (another backend, another scope or other metadata paths).
        case textScan
        /// Every stored embedding compared with the query vector.
        case vectorScan
        /// The embeddings of the filter's matches compared with the query vector: exact.
        case vectorFilterScan
        /// The approximate vector index walked, the filter applied to each node it meets.
        case vectorIndex
    }

    /// How one ranking was found.
    public struct Ranking: Sendable, Hashable, Codable {
        /// The way it was found.
        public var method: Method
        /// How many nodes were scored (postings summed, embeddings compared or nodes read);
        /// `nil` when the backend does not say.
        public var scored: Int?
        /// How many nodes the ranking gave.
        public var found: Int
        /// Why this way was taken, in words.
        public var reason: String

        /// A ranking found by `method`.
        public init(method: Method, scored: Int?, found: Int, reason: String) {
            self.method = method
            self.scored = scored
            self.found = found
            self.reason = reason
        }
    }

    /// The ranking by words, `nil` for a search by vector alone.
    public var text: Ranking?
    /// The ranking by vector, `nil` for a search by words alone.
    public var vector: Ranking?
    /// How deep each ranking went before they were fused (``SearchFusion/depth(limit:)``), `nil`
    /// when there was one ranking.
    public var fusionDepth: Int?
    /// How many hits the search returned.
    public var found: Int

    /// A plan of the given rankings.
    public init(text: Ranking?, vector: Ranking?, fusionDepth: Int?, found: Int) {
        self.text = text
        self.vector = vector
        self.fusionDepth = fusionDepth
        self.found = found
    }
}

extension SearchPlan: CustomStringConvertible {
    /// The plan in a few lines: each ranking's way, figures and reason, then the fusion.
    public var description: String {
        var lines: [String] = []
        for (name, ranking) in [("text", text), ("vector", vector)] {
            guard let ranking else { continue }
            lines.append(
                "\(name): \(ranking.method.rawValue), scored \(ranking.scored.map(String.init) ?? "?"), "
                    + "found \(ranking.found) (\(ranking.reason))")
        }
        if let fusionDepth { lines.append("fused by reciprocal rank, each ranking \(fusionDepth) deep") }
        lines.append("returned \(found)")
        return lines.joined(separator: "\n")
    }
}
