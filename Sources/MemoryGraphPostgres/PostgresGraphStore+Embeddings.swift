import Foundation
public import MemoryGraphCore
import NIOCore
import PostgresNIO

/// Embeddings and the exact vector search: one statement each, every filter applied in SQL and
/// the vectors compared as their rows arrive.
extension PostgresGraphStore {
    public func embeddingDimension() async throws -> Int? {
        let schema = schema
        let logger = logger
        return try await connected("reading the embedding dimension") { connection in
            try await PostgresEmbeddings.dimension(in: schema, on: connection, logger: logger)
        }
    }

    public func embeddings(of ids: [NodeID]) async throws -> [[Float]?] {
        guard !ids.isEmpty else { return [] }
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        let list = statement.bind(ids.map(\.uuid))
        statement.append(
            """
            SELECT n.id, n.embedding FROM \(schema.nodes) n
            WHERE n.id = ANY(\(list)) AND n.embedding IS NOT NULL AND \(NodeRow.live("n", moment))
            """)
        let found = try await rows(statement, "reading \(ids.count) embeddings") { rows in
            var found: [NodeID: [Float]] = [:]
            for try await (id, column) in rows.decode((UUID, ByteBuffer).self) {
                found[NodeID(id)] = try PostgresEmbeddings.vector(column, of: id)
            }
            return found
        }
        return ids.map { found[$0] }
    }

    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    {
        let schema = schema
        let logger = logger
        let plan = PostgresQueryPlan(filter, schema: schema, now: now)
        let statement = plan.statement(selecting: { _ in "n.id, n.embedding" }, after: nil, limit: nil, ordered: false)
        return try await connected("searching by vector") { connection in
            guard let dimension = try await PostgresEmbeddings.dimension(in: schema, on: connection, logger: logger)
            else { return [] }
            try Embedding.dimension(of: vector, matches: dimension, "the query vector")
            var top = TopScores(limit: limit)
            for try await (id, column) in try await connection.query(statement.query, logger: logger).decode(
                (UUID, ByteBuffer?).self)
            {
                guard let column else { continue }
                let embedding = try PostgresEmbeddings.vector(column, of: id)
                guard embedding.count == vector.count else { continue }
                top.offer(NodeID(id), score: metric.score(vector, embedding))
            }
            return top.best
        }
    }
}
