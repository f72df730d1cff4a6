import Foundation
public import MemoryGraphCore
import PostgresNIO

/// Search by words through the full-text index, in one repeatable-read snapshot: the statistics
/// of the live nodes, each word's postings among the filter's matches, and ``BM25`` summed in
/// the order ``SearchCorpus`` sums it, so that the ranking is the same as every backend's.
extension PostgresGraphStore {
    public func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> [ScoredNodeID]? {
        guard terms.count <= 64 else { return nil }
        let schema = schema
        let logger = logger
        let moment = PostgresTime(now)
        let plan = PostgresQueryPlan(filter, schema: schema, now: now)
        let constrained = !filter.isUnconstrained
        return try await snapshot("searching text") { connection -> [ScoredNodeID]? in
            guard try await PostgresTextIndex.paths(in: schema, on: connection, logger: logger) == metadataPaths else {
                return nil
            }
            var documents = 0
            var totalLength = 0
            for try await (count, length) in try await connection.query(
                """
                SELECT count(*), coalesce(sum(d.length), 0)::bigint FROM \(unescaped: schema.textDocuments) d
                JOIN \(unescaped: schema.nodes) n ON n.id = d.node_id
                WHERE n.expires_at IS NULL OR n.expires_at > \(moment)
                """, logger: logger
            ).decode((Int, Int).self) {
                (documents, totalLength) = (count, length)
            }
            let averageLength = documents > 0 ? Double(totalLength) / Double(documents) : 0
            // Each query term's words, in byte order.
            var expansions: [[String]] = []
            for term in terms {
                switch term {
                case .exact(let word):
                    expansions.append([word])
                case .prefix(let start):
                    var words: [String] = []
                    for try await word in try await connection.query(
                        """
                        SELECT DISTINCT term FROM \(unescaped: schema.textTerms)
                        WHERE term >= \(start) AND term < \(start + "\u{10FFFF}") ORDER BY term
                        """, logger: logger
                    ).decode(String.self) {
                        words.append(word)
                    }
                    expansions.append(words)
                }
            }
            let words = Array(Set(expansions.joined()))
            guard !words.isEmpty else { return [] }
            var frequencies: [String: Int] = [:]
            for try await (word, count) in try await connection.query(
                """
                SELECT t.term, count(*) FROM \(unescaped: schema.textTerms) t
                JOIN \(unescaped: schema.nodes) n ON n.id = t.node_id
                WHERE t.term = ANY(\(words)) AND (n.expires_at IS NULL OR n.expires_at > \(moment)) GROUP BY t.term
                """, logger: logger
            ).decode((String, Int).self) {
                frequencies[word] = count
            }
            var statement = SQLStatement()
            if constrained {
                statement = PostgresQueryPlan.prefixed(
                    plan.statement(selecting: { _ in "n.id" }, after: nil, limit: nil, ordered: false),
                    with: "WITH matching AS (")
                statement.append(")")
            }
            let list = statement.bind(words)
            let now = statement.bind(moment)
            statement.append(
                """
                SELECT t.term, t.node_id, t.occurrences, d.length FROM \(schema.textTerms) t
                JOIN \(schema.textDocuments) d ON d.node_id = t.node_id JOIN \(schema.nodes) n ON n.id = t.node_id
                WHERE t.term = ANY(\(list)) AND (n.expires_at IS NULL OR n.expires_at > \(now))
                """ + (constrained ? " AND t.node_id IN (SELECT id FROM matching)" : ""))
            var postings: [String: [(id: NodeID, occurrences: Int, length: Int)]] = [:]
            for try await (word, id, occurrences, length) in try await connection.query(
                statement.query, logger: logger
            ).decode((String, UUID, Int32, Int32).self) {
                postings[word, default: []].append((NodeID(id), Int(occurrences), Int(length)))
            }
            let parameters = BM25()
            var scores: [NodeID: (score: Double, matched: UInt64)] = [:]
            for (index, words) in expansions.enumerated() {
                for word in words {
                    let weight = parameters.inverseDocumentFrequency(
                        matching: frequencies[word] ?? 0, of: documents)
                    for posting in postings[word] ?? [] {
                        var entry = scores[posting.id] ?? (0, 0)
                        entry.score += parameters.termScore(
                            frequency: posting.occurrences, length: posting.length, averageLength: averageLength,
                            weight: weight)
                        entry.matched |= 1 << UInt64(index)
                        scores[posting.id] = entry
                    }
                }
            }
            let everyTerm: UInt64 = terms.count == 64 ? .max : (1 << UInt64(terms.count)) - 1
            var top = TopScores(limit: limit)
            for (id, entry) in scores where matching == .all ? entry.matched == everyTerm : entry.matched != 0 {
                top.offer(id, score: entry.score)
            }
            return top.best
        }
    }
}
