import Foundation
import GRDB
import MemoryGraph
import MemoryGraphWorkload

/// The SQLite twin of the reference workload through GRDB: WAL, `synchronous = NORMAL`, prepared
/// statements, and the indexes a careful engineer would add — with a full-text index (FTS5,
/// contentless) of the text MemoryGraph indexes, as MemoryGraph indexes every node's words.
final class SQLiteTwin {
    let pool: DatabasePool
    let path: String

    init(path: String) throws {
        self.path = path
        var configuration = GRDB.Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS nodes (
                        id BLOB PRIMARY KEY, agent TEXT NOT NULL, ctx TEXT NOT NULL, type TEXT, conf REAL,
                        ts INTEGER NOT NULL, result TEXT NOT NULL, metadata TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS links (src BLOB NOT NULL, dst BLOB NOT NULL, PRIMARY KEY (src, dst)) WITHOUT ROWID;
                    CREATE INDEX IF NOT EXISTS nodes_agent_ctx_ts ON nodes (agent, ctx, ts);
                    CREATE INDEX IF NOT EXISTS nodes_ctx_ts ON nodes (ctx, ts);
                    CREATE INDEX IF NOT EXISTS nodes_ts ON nodes (ts);
                    CREATE INDEX IF NOT EXISTS nodes_conf ON nodes (conf);
                    CREATE INDEX IF NOT EXISTS nodes_type_ts ON nodes (type, ts);
                    CREATE INDEX IF NOT EXISTS links_dst ON links (dst);
                    CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
                        body, content = '', tokenize = 'unicode61 remove_diacritics 2');
                    """)
        }
    }

    /// Microseconds since 1970, as MemoryGraph stores them.
    static func micros(_ node: Workload.Node) -> Int64 { node.timestampMilliseconds * 1_000 }

    /// Inserts `nodes` in one transaction, each with its text under its position in the data
    /// set (the slice's index) + 1: the summary, then the type, the strings MemoryGraph indexes.
    func insert(_ nodes: ArraySlice<Workload.Node>) throws {
        try pool.write { db in
            let insertNode = try db.cachedStatement(sql: "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            let insertLink = try db.cachedStatement(sql: "INSERT OR IGNORE INTO links VALUES (?, ?)")
            let insertText = try db.cachedStatement(sql: "INSERT INTO fts (rowid, body) VALUES (?, ?)")
            for (index, node) in zip(nodes.indices, nodes) {
                try insertNode.execute(arguments: [
                    Data(node.id.bytes), node.agent, node.context, node.type, node.confidence, Self.micros(node),
                    try node.result.jsonString(), try JSONValue.object(node.metadata).jsonString(),
                ])
                try insertText.execute(arguments: [index + 1, node.summary + " " + node.type])
                for target in node.links {
                    try insertLink.execute(arguments: [Data(node.id.bytes), Data(target.bytes)])
                }
            }
        }
    }

    /// The row of node `id`, all columns read: whether it exists.
    func node(_ id: NodeID) throws -> Bool {
        try pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM nodes WHERE id = ?")
            guard let row = try Row.fetchOne(statement, arguments: [Data(id.bytes)]) else { return false }
            let result: String = row["result"]
            return !result.isEmpty
        }
    }

    /// Ids of the newest `limit` nodes of an agent in a context.
    func recall(agent: String, context: String, limit: Int) throws -> [NodeID] {
        try pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT id, result FROM nodes WHERE agent = ? AND ctx = ? ORDER BY ts DESC, id DESC LIMIT ?")
            return try Row.fetchAll(statement, arguments: [agent, context, limit]).compactMap { row in
                NodeID(bytes: [UInt8](row["id"] as Data))
            }
        }
    }

    /// Ids of the newest nodes matching `filter`: agents × contexts × [start, end) × conf ≥ minimum.
    func query(_ filter: S4Filter, limit: Int) throws -> [NodeID] {
        try pool.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id, result FROM nodes WHERE \(Self.condition(filter, table: "nodes"))
                    ORDER BY ts DESC, id DESC LIMIT ?
                    """)
            var arguments = Self.arguments(filter)
            arguments += [limit]
            return try Row.fetchAll(statement, arguments: arguments).compactMap { row in
                NodeID(bytes: [UInt8](row["id"] as Data))
            }
        }
    }

    /// `filter` as an SQL condition over the columns of `table` (`agent`, `ctx`, `ts` in
    /// microseconds, `conf`), its values bound in the order of ``arguments(_:)``.
    static func condition(_ filter: S4Filter, table: String) -> String {
        let agentMarks = Array(repeating: "?", count: filter.agents.count).joined(separator: ",")
        let contextMarks = Array(repeating: "?", count: filter.contexts.count).joined(separator: ",")
        return """
            \(table).agent IN (\(agentMarks)) AND \(table).ctx IN (\(contextMarks)) AND \(table).ts >= ? \
            AND \(table).ts < ? AND \(table).conf >= ?
            """
    }

    /// The values of ``condition(_:table:)``.
    static func arguments(_ filter: S4Filter) -> StatementArguments {
        var arguments = StatementArguments(filter.agents + filter.contexts)
        arguments += [filter.start * 1_000, filter.end * 1_000, filter.minimum]
        return arguments
    }

    /// Ids within two out-links of `id`.
    func neighbors(of id: NodeID) throws -> Set<NodeID> {
        try pool.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    WITH RECURSIVE hood(id, depth) AS (
                        SELECT dst, 1 FROM links WHERE src = ?
                        UNION SELECT links.dst, hood.depth + 1 FROM links JOIN hood ON links.src = hood.id
                        WHERE hood.depth < 2)
                    SELECT DISTINCT id FROM hood WHERE id != ?
                    """)
            let ids = try Data.fetchAll(statement, arguments: [Data(id.bytes), Data(id.bytes)])
            return Set(ids.compactMap { NodeID(bytes: [UInt8]($0)) })
        }
    }
}
