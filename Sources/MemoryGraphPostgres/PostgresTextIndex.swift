import Foundation
import Logging
import MemoryGraphCore
import PostgresNIO

/// The full-text index in SQL: every node's terms (``SearchableText``, the same words as every
/// backend) in `text_terms`, its number of terms in `text_documents`, and the metadata paths the
/// terms were taken with in `meta` (`text_paths`). Rows go with their nodes (`ON DELETE
/// CASCADE`); adds and updates write them in the mutation's transaction.
enum PostgresTextIndex {
    /// The stored metadata paths, `nil` before the index was built.
    static func paths(in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger) async throws
        -> [String]?
    {
        var paths: [String]?
        for try await value in try await connection.query(
            "SELECT value FROM \(unescaped: schema.meta) WHERE key = 'text_paths'", logger: logger
        ).decode(String.self) {
            paths = value.isEmpty ? [] : value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return paths
    }

    /// Writes the documents of `contents` (node id and terms; nodes without terms have none).
    static func insert(
        _ contents: [(NodeID, [String])], in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let documents = contents.filter { !$0.1.isEmpty }
        for chunk in stride(from: 0, to: documents.count, by: 500) {
            let slice = documents[chunk..<min(chunk + 500, documents.count)]
            var ids: [UUID] = []
            var lengths: [Int32] = []
            var termIDs: [UUID] = []
            var terms: [String] = []
            var occurrences: [Int32] = []
            for (id, words) in slice {
                ids.append(id.uuid)
                lengths.append(Int32(clamping: words.count))
                for (term, count) in words.reduce(into: [String: Int](), { $0[$1, default: 0] += 1 }) {
                    termIDs.append(id.uuid)
                    terms.append(term)
                    occurrences.append(Int32(clamping: count))
                }
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: schema.textDocuments) (node_id, length)
                SELECT * FROM unnest(\(ids)::uuid[], \(lengths)::integer[])
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO \(unescaped: schema.textTerms) (term, node_id, occurrences)
                SELECT * FROM unnest(\(terms)::text[], \(termIDs)::uuid[], \(occurrences)::integer[])
                """, logger: logger)
        }
    }

    /// Removes the documents of nodes `ids`.
    static func remove(
        _ ids: [NodeID], in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !ids.isEmpty else { return }
        let list = ids.map(\.uuid)
        try await connection.query(
            "DELETE FROM \(unescaped: schema.textTerms) WHERE node_id = ANY(\(list))", logger: logger)
        try await connection.query(
            "DELETE FROM \(unescaped: schema.textDocuments) WHERE node_id = ANY(\(list))", logger: logger)
    }

    /// Builds the index with `paths` unless it was built with them, under the schema's advisory
    /// lock, so that instances starting at once build it once; returns whether it built.
    static func prepare(
        paths: [String], in schema: PostgresSchema, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(schema.channel)))", logger: logger)
            guard try await self.paths(in: schema, on: connection, logger: logger) != paths else {
                try await connection.query("COMMIT", logger: logger)
                return false
            }
            // Writers wait until the index is rebuilt and its paths stored; they read the paths
            // after their first write to `nodes`, so every node gets the terms of the new paths.
            try await connection.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE \(schema.nodes) IN SHARE MODE"), logger: logger)
            try await connection.query("DELETE FROM \(unescaped: schema.textTerms)", logger: logger)
            try await connection.query("DELETE FROM \(unescaped: schema.textDocuments)", logger: logger)
            var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            while true {
                var page: [(NodeID, [String])] = []
                for try await (id, result, metadata) in try await connection.query(
                    """
                    SELECT id, result::text, metadata::text FROM \(unescaped: schema.nodes)
                    WHERE id > \(after) ORDER BY id LIMIT 1000
                    """, logger: logger
                ).decode((UUID, String, String).self) {
                    let (parsedResult, parsedMetadata) = try NodeRow.payload(result, metadata, of: NodeID(id))
                    page.append(
                        (
                            NodeID(id),
                            SearchableText.terms(result: parsedResult, metadata: parsedMetadata, metadataPaths: paths)
                        ))
                    after = id
                }
                try await insert(page, in: schema, on: connection, logger: logger)
                if page.count < 1000 { break }
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: schema.meta) VALUES ('text_paths', \(paths.joined(separator: "\n")))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            return true
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
