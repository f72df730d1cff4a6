#if canImport(MemoryGraphPostgres)
    import Foundation
    import PostgresNIO

    /// The SQL of S2–S4 written by hand as named prepared statements (parsed once per connection),
    /// on the tables the PostgreSQL backend keeps in schema ``PostgresBench/schema``: each selects a
    /// node's columns and its live out-links, as the backend does, and decodes them into a tuple —
    /// the floor the backend's figures are measured against.
    enum PostgresRawSQL {
        /// A node row as its columns decode.
        typealias Row = (UUID, String, String, Date, Int, Date, Date?, String, String, [UUID])

        /// The select list of node alias `n`; `$1` is the present (for expiry).
        static let columns = """
            n.id, n.agent_id, n.task_context, n."timestamp", n.version, n.updated_at, n.expires_at, n.result::text,
            n.metadata::text, ARRAY(SELECT l.target FROM memory_graph_bench.links l
            JOIN memory_graph_bench.nodes t ON t.id = l.target
            WHERE l.source = n.id AND (t.expires_at IS NULL OR t.expires_at > $1) ORDER BY l.target)
            """

        /// That node alias `n` has not expired at `$1`.
        static let live = "(n.expires_at IS NULL OR n.expires_at > $1)"

        /// S2: one node by id.
        struct PointRead: PostgresPreparedStatement {
            static let sql = "SELECT \(columns) FROM memory_graph_bench.nodes n WHERE n.id = $2 AND \(live)"
            var now: Date
            var id: UUID

            func makeBindings() -> PostgresBindings {
                var bindings = PostgresBindings()
                bindings.append(now)
                bindings.append(id)
                return bindings
            }

            func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
        }

        /// S3: the newest `limit` nodes of an agent in a context.
        struct Recall: PostgresPreparedStatement {
            static let sql = """
                SELECT \(columns) FROM memory_graph_bench.nodes n
                WHERE n.agent_id = $2 AND n.task_context = $3 AND \(live)
                ORDER BY n."timestamp" DESC, n.id DESC LIMIT $4
                """
            var now: Date
            var agent: String
            var context: String
            var limit: Int

            func makeBindings() -> PostgresBindings {
                var bindings = PostgresBindings()
                bindings.append(now)
                bindings.append(agent)
                bindings.append(context)
                bindings.append(limit)
                return bindings
            }

            func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
        }

        /// S4: the newest `limit` nodes of some agents in some contexts, in [start, end), with a
        /// confidence of at least `minimum`.
        struct Query: PostgresPreparedStatement {
            static let sql = """
                SELECT \(columns) FROM memory_graph_bench.nodes n
                WHERE n.agent_id = ANY($2) AND n.task_context = ANY($3) AND n."timestamp" >= $4 AND n."timestamp" < $5
                AND n.confidence >= $6 AND \(live)
                ORDER BY n."timestamp" DESC, n.id DESC LIMIT $7
                """
            var now: Date
            var agents: [String]
            var contexts: [String]
            var start: Date
            var end: Date
            var minimum: Double
            var limit: Int

            func makeBindings() -> PostgresBindings {
                var bindings = PostgresBindings()
                bindings.append(now)
                bindings.append(agents)
                bindings.append(contexts)
                bindings.append(start)
                bindings.append(end)
                bindings.append(minimum)
                bindings.append(limit)
                return bindings
            }

            func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
        }
    }
#endif
