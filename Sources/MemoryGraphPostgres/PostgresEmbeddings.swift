import Foundation
import Logging
import MemoryGraphCore
import NIOCore
import PostgresNIO

/// Embeddings in the `embedding bytea` column of `nodes` (``Embedding/bytes(of:)``: 4 bytes a
/// component, little-endian) and the store's dimension in `meta` (`embedding_dimension`).
enum PostgresEmbeddings {
    /// The column value of `vector`.
    static func column(_ vector: [Float]?) -> ByteBuffer? {
        vector.map { ByteBuffer(bytes: Embedding.bytes(of: $0)) }
    }

    /// The vector of a column value.
    ///
    /// - Throws: ``MemoryGraphError/Code/corruption`` when its length is not a multiple of 4.
    static func vector(_ column: ByteBuffer, of id: UUID) throws(MemoryGraphError) -> [Float] {
        guard let vector = Embedding.vector(from: column.readableBytesView) else {
            throw MemoryGraphError(.corruption, "the embedding of node \(id) takes \(column.readableBytes) bytes")
        }
        return vector
    }

    /// The stored dimension, `nil` before the first embedding.
    static func dimension(in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger) async throws
        -> Int?
    {
        var dimension: Int?
        for try await value in try await connection.query(
            "SELECT value FROM \(unescaped: schema.meta) WHERE key = 'embedding_dimension'", logger: logger
        ).decode(String.self) {
            guard let number = Int(value) else {
                throw MemoryGraphError(
                    .corruption, "\(schema.meta) holds embedding_dimension \"\(value)\", not a number")
            }
            dimension = number
        }
        return dimension
    }

    /// The stored dimension, fixed at `proposed` when there is none yet (the first writer of
    /// concurrent transactions wins; the others wait for it and read its dimension).
    static func fixDimension(
        _ proposed: Int, in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.meta) VALUES ('embedding_dimension', \(String(proposed)))
            ON CONFLICT (key) DO NOTHING
            """, logger: logger)
        return try await dimension(in: schema, on: connection, logger: logger) ?? proposed
    }

    /// Throws unless every vector of `vectors` has the store's dimension, fixing it at the
    /// first's when the store has none.
    static func check(
        _ vectors: [[Float]], in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let first = vectors.first else { return }
        var dimension = try await self.dimension(in: schema, on: connection, logger: logger)
        if dimension == nil {
            dimension = try await fixDimension(first.count, in: schema, on: connection, logger: logger)
        }
        let fixed = dimension ?? first.count
        for vector in vectors { try Embedding.dimension(of: vector, matches: fixed, "embedding") }
    }
}
