import Foundation
import Logging
public import MemoryGraphCore
import PostgresNIO

/// Traversal, bundles and the export.
extension PostgresGraphStore {
    /// Breadth-first from `id`, one statement a level: the whole frontier's out-links (then, for
    /// ``LinkDirection/both``, its backlinks) at once, ordered in SQL, so that the order is the
    /// reference's — level by level, each node's neighbours in id order, each node once at its
    /// first depth — and the walk stops as soon as `limit` nodes are found.
    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) async throws -> [Neighbor] {
        let moment = PostgresTime(now)
        return try await snapshot("walking the links of \(id)") { [self] connection in
            let start = try await connection.query(
                """
                SELECT 1 FROM \(unescaped: schema.nodes) n WHERE n.id = \(id.uuid)
                AND (n.expires_at IS NULL OR n.expires_at > \(moment))
                """, logger: logger
            ).collect().count
            guard start > 0 else { throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist") }
            var seen: Set<NodeID> = [id]
            var found: [Neighbor] = []
            var frontier = [id]
            var level = 0
            while level < depth, !frontier.isEmpty, found.count < limit {
                level += 1
                var next: [NodeID] = []
                for neighbor in try await adjacency(of: frontier, direction, at: moment, on: connection)
                where seen.insert(neighbor).inserted {
                    found.append(Neighbor(id: neighbor, depth: level))
                    if found.count == limit { break }
                    next.append(neighbor)
                }
                frontier = next
            }
            return found
        }
    }

    /// The live neighbours of each node of `frontier`, in the frontier's order, each node's
    /// out-links before its backlinks, each list in id order (repeats included).
    private func adjacency(
        of frontier: [NodeID], _ direction: LinkDirection, at moment: PostgresTime, on connection: PostgresConnection
    ) async throws -> [NodeID] {
        var statement = SQLStatement()
        let now = statement.bind(moment)
        let nodes = statement.bind(frontier.map(\.uuid))
        var parts: [String] = []
        if direction != .incoming {
            parts.append(
                """
                SELECT f.position, 0 AS side, l.target AS neighbor FROM frontier f JOIN \(schema.links) l ON l.source = f.node
                JOIN \(schema.nodes) t ON t.id = l.target WHERE \(NodeRow.live("t", now))
                """)
        }
        if direction != .outgoing {
            parts.append(
                """
                SELECT f.position, 1 AS side, l.source AS neighbor FROM frontier f JOIN \(schema.links) l ON l.target = f.node
                JOIN \(schema.nodes) s ON s.id = l.source WHERE \(NodeRow.live("s", now))
                """)
        }
        statement.append(
            """
            WITH frontier AS (SELECT node, position FROM unnest(\(nodes)::uuid[]) WITH ORDINALITY AS f(node, position))
            SELECT neighbor FROM (\(parts.joined(separator: " UNION ALL "))) adjacent ORDER BY position, side, neighbor
            """)
        var neighbors: [NodeID] = []
        for try await value in try await PreparedStatement.execute(statement, on: connection, logger: logger)
            .decode(UUID.self)
        {
            neighbors.append(NodeID(value))
        }
        return neighbors
    }

    public func bundle(_ id: BundleID) async throws -> MemoryBundle? {
        try await bundles(where: "b.id = ", id.uuid, limit: nil, doing: "reading bundle \(id)").first
    }

    public func bundles(forTask taskID: String, limit: Int?) async throws -> [MemoryBundle] {
        try await bundles(where: "b.task_id = ", taskID, limit: limit, doing: "reading the bundles of \(taskID)")
    }

    public func bundles(forContext context: String) async throws -> [MemoryBundle] {
        try await bundles(
            where: "b.contexts @> ", [context], limit: nil, cast: "::text[]", doing: "reading the bundles of \(context)"
        )
    }

    /// The bundles where `condition` holds of `value`, newest first by `(created_at, id)`, each
    /// with its live members in order.
    private func bundles<Value: PostgresNonThrowingEncodable>(
        where condition: String, _ value: Value, limit: Int?, cast: String = "", doing: String
    ) async throws -> [MemoryBundle] {
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        let bound = statement.bind(value)
        statement.append(
            """
            SELECT b.id, b.task_id, b.agent_ids, b.contexts, b.created_at, b.metadata::text,
            ARRAY(SELECT m.node_id FROM \(schema.members) m JOIN \(schema.nodes) n ON n.id = m.node_id
                  WHERE m.bundle_id = b.id AND \(NodeRow.live("n", moment)) ORDER BY m.position)
            FROM \(schema.bundles) b WHERE \(condition)\(bound)\(cast) ORDER BY b.created_at DESC, b.id DESC
            """)
        if let limit { statement.append(" LIMIT \(statement.bind(max(0, limit)))") }
        return try await rows(statement, doing) { try await $0.bundles() }
    }

    /// The summary, then every live node in id order, then every bundle in id order, from one
    /// snapshot (a repeatable-read transaction), read in pages so that memory stays flat.
    public func export(_ visit: (ExportedRecord) async throws -> Void) async throws {
        let moment = PostgresTime(now)
        try await connectedInPlace("exporting") { connection in
            try await Self.readOnly(connection, logger: logger) { try await export(on: $0, at: moment, visit) }
        }
    }

    /// Runs `body` in a read-only repeatable-read transaction on a pooled connection: every
    /// statement sees one snapshot.
    func snapshot<Result: Sendable>(
        _ doing: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws(MemoryGraphError) -> Result {
        let logger = logger
        return try await connected(doing) { connection in try await Self.readOnly(connection, logger: logger, body) }
    }

    private static func readOnly<Result>(
        _ connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            let result = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func export(
        on connection: PostgresConnection, at moment: PostgresTime, _ visit: (ExportedRecord) async throws -> Void
    ) async throws {
        var createdAt = Microseconds(0)
        for try await value in try await connection.query(
            "SELECT value FROM \(unescaped: schema.meta) WHERE key = 'created_at'", logger: logger
        ).decode(String.self) {
            createdAt = Microseconds(Int64(value) ?? 0)
        }
        var counts = (nodes: 0, bundles: 0, links: 0)
        for try await row in try await connection.query(
            """
            SELECT (SELECT count(*) FROM \(unescaped: schema.nodes) n WHERE n.expires_at IS NULL OR n.expires_at > \(moment)),
            (SELECT count(*) FROM \(unescaped: schema.bundles)),
            (SELECT count(*) FROM \(unescaped: schema.links) l JOIN \(unescaped: schema.nodes) s ON s.id = l.source
             JOIN \(unescaped: schema.nodes) t ON t.id = l.target
             WHERE (s.expires_at IS NULL OR s.expires_at > \(moment)) AND (t.expires_at IS NULL OR t.expires_at > \(moment)))
            """, logger: logger
        ).decode((Int, Int, Int).self) {
            counts = row
        }
        try await visit(
            .summary(
                StoreSummary(
                    createdAt: createdAt.date, nodes: counts.nodes, bundles: counts.bundles, links: counts.links)))
        var after = NodeID(high: 0, low: 0)
        while true {
            var statement = SQLStatement()
            let now = statement.bind(moment)
            let start = statement.bind(after.uuid)
            statement.append(
                """
                SELECT \(NodeRow.columns(schema, live: now)) FROM \(schema.nodes) n
                WHERE n.id > \(start) AND \(NodeRow.live("n", now)) ORDER BY n.id LIMIT 1000
                """)
            let page = try await connection.query(statement.query, logger: logger).nodes()
            var embeddings: [NodeID: [Float]] = [:]
            for try await (id, column) in try await connection.query(
                """
                SELECT id, embedding FROM \(unescaped: schema.nodes)
                WHERE id = ANY(\(page.map(\.id.uuid))) AND embedding IS NOT NULL
                """, logger: logger
            ).decode((UUID, ByteBuffer).self) {
                embeddings[NodeID(id)] = try PostgresEmbeddings.vector(column, of: id)
            }
            for node in page { try await visit(.node(node, embedding: embeddings[node.id])) }
            guard let last = page.last, page.count == 1000 else { break }
            after = last.id
        }
        var afterBundle = BundleID(high: 0, low: 0)
        while true {
            var statement = SQLStatement()
            let now = statement.bind(moment)
            let start = statement.bind(afterBundle.uuid)
            statement.append(
                """
                SELECT b.id, b.task_id, b.agent_ids, b.contexts, b.created_at, b.metadata::text,
                ARRAY(SELECT m.node_id FROM \(schema.members) m JOIN \(schema.nodes) n ON n.id = m.node_id
                      WHERE m.bundle_id = b.id AND \(NodeRow.live("n", now)) ORDER BY m.position)
                FROM \(schema.bundles) b WHERE b.id > \(start) ORDER BY b.id LIMIT 1000
                """)
            let page = try await connection.query(statement.query, logger: logger).bundles()
            for bundle in page { try await visit(.bundle(bundle)) }
            guard let last = page.last, page.count == 1000 else { break }
            afterBundle = last.id
        }
    }
}

extension AsyncSequence where Element == PostgresRow {
    /// The bundles of rows `(id, task_id, agent_ids, contexts, created_at, metadata, members)`.
    func bundles() async throws -> [MemoryBundle] {
        var bundles: [MemoryBundle] = []
        for try await (id, task, agents, contexts, createdAt, metadata, members) in decode(
            (UUID, String, [String], [String], PostgresTime, String, [UUID]).self)
        {
            let bundleID = BundleID(id)
            guard case .object(let fields) = try? JSONValue(jsonString: metadata) else {
                throw MemoryGraphError(.corruption, "bundle \(bundleID)'s metadata is not a JSON object")
            }
            bundles.append(
                MemoryBundle(
                    id: bundleID, taskID: task, agentIDs: agents, contexts: contexts, nodeIDs: members.map(NodeID.init),
                    createdAt: createdAt.date, metadata: fields))
        }
        return bundles
    }
}
