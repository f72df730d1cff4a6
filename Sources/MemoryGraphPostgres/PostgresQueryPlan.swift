import Foundation
import Logging
import MemoryGraphCore
import PostgresNIO

/// A ``MemoryQuery`` as SQL over `nodes`: every criterion a condition, the cursor a row
/// comparison on `("timestamp", id)`, the order that of the indexes, so PostgreSQL walks an index
/// in the query's order and stops after the page.
struct PostgresQueryPlan {
    let query: MemoryQuery
    let schema: PostgresSchema
    let now: Microseconds

    init(_ query: MemoryQuery, schema: PostgresSchema, now: Microseconds) {
        self.query = query
        self.schema = schema
        self.now = now
    }

    /// `SELECT select FROM nodes n WHERE …` after `cursor`, ordered, limited to `limit` rows.
    func statement(selecting select: (String) -> String, after cursor: QueryCursor?, limit: Int?, ordered: Bool = true)
        -> SQLStatement
    {
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        var conditions = [NodeRow.live("n", moment)]
        if let agents = query.agentIDs { conditions.append(Self.membership("n.agent_id", agents, in: &statement)) }
        if let contexts = query.contexts {
            conditions.append(Self.membership("n.task_context", contexts, in: &statement))
        }
        if let types = query.types { conditions.append(Self.membership("n.type", types, in: &statement)) }
        if let range = query.timeRange {
            let lower = PostgresTime(Microseconds(atOrAfter: range.lowerBound))
            let upper = PostgresTime(Microseconds(atOrAfter: range.upperBound))
            conditions.append("n.\"timestamp\" >= \(statement.bind(lower))")
            conditions.append("n.\"timestamp\" < \(statement.bind(upper))")
        }
        if let minimum = query.minConfidence { conditions.append("n.confidence >= \(statement.bind(minimum))") }
        if let maximum = query.maxConfidence { conditions.append("n.confidence <= \(statement.bind(maximum))") }
        if let source = query.linkedFrom {
            let id = statement.bind(source.uuid)
            conditions.append(
                """
                n.id IN (SELECT l.target FROM \(schema.links) l JOIN \(schema.nodes) s ON s.id = l.source
                WHERE l.source = \(id) AND \(NodeRow.live("s", moment)))
                """)
        }
        if let target = query.linkedTo {
            let id = statement.bind(target.uuid)
            conditions.append(
                """
                EXISTS (SELECT 1 FROM \(schema.links) l JOIN \(schema.nodes) t ON t.id = l.target
                WHERE l.source = n.id AND l.target = \(id) AND \(NodeRow.live("t", moment)))
                """)
        }
        let ascending = query.order == .oldestFirst
        if let cursor {
            let time = statement.bind(PostgresTime(Microseconds(nearest: cursor.lastTimestamp)))
            let id = statement.bind(cursor.lastID.uuid)
            conditions.append("(n.\"timestamp\", n.id) \(ascending ? ">" : "<") (\(time), \(id))")
        }
        statement.append(
            "SELECT \(select(moment)) FROM \(schema.nodes) n WHERE " + conditions.joined(separator: " AND "))
        if ordered {
            let direction = ascending ? "ASC" : "DESC"
            statement.append(" ORDER BY n.\"timestamp\" \(direction), n.id \(direction)")
        }
        if let limit { statement.append(" LIMIT \(statement.bind(max(0, limit)))") }
        return statement
    }

    /// The condition that `column` holds one of `values`: `=` for one value. PostgreSQL's plan
    /// cache keeps a generic plan only when its estimated cost is close to the custom plans';
    /// for `= ANY($1)` the generic estimate (an array of unknown length) stays higher, so every
    /// run was planned again (measured with pg_stat_statements), while `= $1` keeps one plan.
    static func membership(_ column: String, _ values: Set<String>, in statement: inout SQLStatement) -> String {
        if values.count == 1, let value = values.first { return "\(column) = \(statement.bind(value))" }
        return "\(column) = ANY(\(statement.bind(values.sorted())))"
    }

    /// The ids of the first `query.limit` matching nodes.
    func ids(on connection: PostgresConnection, logger: Logger) async throws -> [NodeID] {
        let statement = statement(selecting: { _ in "n.id" }, after: nil, limit: query.limit)
        var ids: [NodeID] = []
        for try await id in try await connection.query(statement.query, logger: logger).decode(UUID.self) {
            ids.append(NodeID(id))
        }
        return ids
    }

    /// A page and one more row: the extra one tells the facade a next page exists.
    var pageAndOne: Int? { query.limit < Int.max ? max(0, query.limit + 1) : nil }
}
