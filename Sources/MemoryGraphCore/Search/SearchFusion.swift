/// How a search with both words and a vector ranks its hits: reciprocal rank fusion (Cormack,
/// Clarke and Büttcher, 2009).
///
/// Each ranking — BM25 over the words, the metric over the vector, both with the filter applied
/// inside — contributes its best ``depth(limit:)`` nodes; a node at rank *r* (from 1) of a
/// ranking scores 1 / (``k`` + *r*) from it, and a node's fused score is the sum over the two
/// rankings. Ties go to the greater node id (the newer node). Ranks, not scores, are fused, so
/// neither BM25's nor the metric's scale weighs more.
public enum SearchFusion {
    /// The constant that damps the weight of the first ranks: 60, as in the paper.
    public static let k = 60.0

    /// How many hits of each ranking take part for a search of `limit` nodes: four times the
    /// limit, at least 50, at most ``SearchRequest/maximumLimit``.
    public static func depth(limit: Int) -> Int {
        min(SearchRequest.maximumLimit, max(50, limit * 4))
    }

    /// The best `limit` of the fused `rankings` (each best first).
    public static func fuse(_ rankings: [[NodeID]], limit: Int) -> [ScoredNodeID] {
        var scores: [NodeID: Double] = [:]
        for ranking in rankings {
            for (index, id) in ranking.enumerated() {
                scores[id, default: 0] += 1 / (k + Double(index + 1))
            }
        }
        var top = TopScores(limit: limit)
        for (id, score) in scores { top.offer(id, score: score) }
        return top.best
    }
}
