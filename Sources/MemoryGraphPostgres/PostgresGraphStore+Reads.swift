import Foundation
public import MemoryGraphCore
import PostgresNIO

/// The reads: each one statement (one snapshot), or a read-only repeatable-read transaction
/// when it needs several. Nodes whose expiry has come are left out before any sweep removes them.
extension PostgresGraphStore {
    /// The present for expiry, as stored.
    var now: Microseconds { Microseconds(nearest: configuration.currentTime()) }

    public func node(_ id: NodeID) async throws -> MemoryNode? {
        try await nodes([id])[0]
    }

    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] {
        guard !ids.isEmpty else { return [] }
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        // `=` for one id: a prepared statement keeps one generic plan for it.
        let match = ids.count == 1 ? "= \(statement.bind(ids[0].uuid))" : "= ANY(\(statement.bind(ids.map(\.uuid))))"
        statement.append(
            """
            SELECT \(NodeRow.columns(schema, live: moment)) FROM \(schema.nodes) n
            WHERE n.id \(match) AND \(NodeRow.live("n", moment))
            """)
        let found = try await rows(statement, "reading \(ids.count) nodes") { try await $0.nodes() }
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.map { byID[$0] }
    }

    public func recall(agentID: String, taskContext: String, limit: Int?) async throws -> [MemoryNode] {
        var query = MemoryQuery()
        query.agentIDs = [agentID]
        query.contexts = [taskContext]
        query.limit = limit ?? .max
        let statement = PostgresQueryPlan(query, schema: schema, now: now).statement(
            selecting: { NodeRow.columns(self.schema, live: $0) }, after: nil, limit: limit.map { max(0, $0) })
        return try await rows(statement, "recalling \(agentID) in \(taskContext)") { try await $0.nodes() }
    }

    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) async throws -> [MemoryNode] {
        let plan = PostgresQueryPlan(query, schema: schema, now: now)
        let statement = plan.statement(
            selecting: { NodeRow.columns(self.schema, live: $0) }, after: cursor, limit: plan.pageAndOne)
        return try await rows(statement, "querying") { try await $0.nodes() }
    }

    public func queryIDs(_ query: MemoryQuery) async throws -> [NodeID] {
        let plan = PostgresQueryPlan(query, schema: schema, now: now)
        return try await connected("querying ids") { [self] connection in
            try await plan.ids(on: connection, logger: logger)
        }
    }

    public func count(_ query: MemoryQuery) async throws -> Int {
        let statement = PostgresQueryPlan(query, schema: schema, now: now).statement(
            selecting: { _ in "count(*)" }, after: nil, limit: nil, ordered: false)
        return try await rows(statement, "counting") { rows in
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
    }

    /// PostgreSQL's own plan of the query's first page, run (`EXPLAIN ANALYZE`): its top node
    /// is the access path, its lines the steps.
    public func explain(_ query: MemoryQuery) async throws -> QueryPlan {
        let plan = PostgresQueryPlan(query, schema: schema, now: now)
        let statement = plan.statement(selecting: { _ in "n.id" }, after: nil, limit: plan.pageAndOne)
        let matched = try await rows(statement, "explaining a query") {
            try await $0.reduce(0) { count, _ in count + 1 }
        }
        let lines = try await rows(
            PostgresQueryPlan.prefixed(statement, with: "EXPLAIN (ANALYZE, TIMING false, SUMMARY false) "),
            "explaining a query"
        ) { rows in
            var lines: [String] = []
            for try await line in rows.decode(String.self) { lines.append(line) }
            return lines
        }
        let top = lines.first { !$0.trimmingPrefix(while: \.isWhitespace).hasPrefix("Limit") } ?? lines.first ?? "scan"
        let accessPath = String(
            top.trimmingPrefix(while: { $0.isWhitespace || $0 == "-" || $0 == ">" }).prefix { $0 != "(" }
        )
        .trimmingCharacters(in: .whitespaces)
        let estimated = try await count(query)
        return QueryPlan(
            accessPath: accessPath,
            estimates: [QueryPlan.Estimate(accessPath: accessPath, estimatedCandidates: estimated)],
            steps: lines, candidatesExamined: estimated, recordsChecked: matched, matched: matched,
            returned: min(matched, max(0, query.limit)))
    }

    public func links(from id: NodeID) async throws -> [NodeID] {
        try await adjacent(of: id, outgoing: true)
    }

    public func backlinks(to id: NodeID) async throws -> [NodeID] {
        try await adjacent(of: id, outgoing: false)
    }

    /// The live nodes `id` links to (or that link to it), in id order; none when `id` is gone.
    private func adjacent(of id: NodeID, outgoing: Bool) async throws -> [NodeID] {
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        let node = statement.bind(id.uuid)
        let (near, far) = outgoing ? ("source", "target") : ("target", "source")
        statement.append(
            """
            SELECT l.\(far) FROM \(schema.links) l JOIN \(schema.nodes) a ON a.id = l.\(far)
            JOIN \(schema.nodes) b ON b.id = l.\(near)
            WHERE l.\(near) = \(node) AND \(NodeRow.live("a", moment)) AND \(NodeRow.live("b", moment)) ORDER BY l.\(far)
            """)
        return try await rows(statement, "reading links") { rows in
            var ids: [NodeID] = []
            for try await value in rows.decode(UUID.self) { ids.append(NodeID(value)) }
            return ids
        }
    }

    public func statistics() async throws -> GraphStatistics {
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        statement.append(
            """
            SELECT count(*), count(DISTINCT n.agent_id), count(DISTINCT n.task_context), count(DISTINCT n.type),
            (SELECT count(*) FROM \(schema.links) l JOIN \(schema.nodes) s ON s.id = l.source
             JOIN \(schema.nodes) t ON t.id = l.target WHERE \(NodeRow.live("s", moment)) AND \(NodeRow.live("t", moment))),
            (SELECT count(*) FROM \(schema.bundles))
            FROM \(schema.nodes) n WHERE \(NodeRow.live("n", moment))
            """)
        return try await rows(statement, "counting the graph") { rows in
            var statistics = GraphStatistics(nodes: 0, agents: 0, contexts: 0, types: 0, links: 0, bundles: 0)
            for try await (nodes, agents, contexts, types, links, bundles) in rows.decode(
                (Int, Int, Int, Int, Int, Int).self)
            {
                statistics = GraphStatistics(
                    nodes: nodes, agents: agents, contexts: contexts, types: types, links: links, bundles: bundles)
            }
            return statistics
        }
    }

    public func usage() async throws -> StoreUsage {
        var statement = SQLStatement()
        let name = statement.bind(postgres.schema)
        statement.append(
            """
            SELECT h.writes, h.commits, (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = \(name) AND c.relkind = 'r')
            FROM \(schema.head) h
            """)
        return try await rows(statement, "reading the usage") { rows in
            var usage = StoreUsage(writes: 0, commits: 0, storageBytes: 0)
            for try await (writes, commits, bytes) in rows.decode((Int, Int, Int).self) {
                usage = StoreUsage(writes: writes, commits: commits, storageBytes: bytes)
            }
            return usage
        }
    }

    /// Runs `statement` on a pooled connection and reads its rows with `read`.
    func rows<Result: Sendable>(
        _ statement: SQLStatement, _ doing: String,
        _ read: @escaping @Sendable (PreparedRows) async throws -> Result
    ) async throws(MemoryGraphError) -> Result {
        let logger = logger
        return try await connected(doing) { connection in
            try await read(try await PreparedStatement.execute(statement, on: connection, logger: logger))
        }
    }
}

extension PostgresQueryPlan {
    /// `statement` with `prefix` in front of its text (the same bindings).
    static func prefixed(_ statement: SQLStatement, with prefix: String) -> SQLStatement {
        var prefixed = statement
        prefixed.prepend(prefix)
        return prefixed
    }
}
