import Foundation
import GRDB
import MemoryGraph
import MemoryGraphWorkload

/// S9's SQLite twin: the nodes' filter columns in a table with the twin's indexes, and their
/// text in a contentless FTS5 table (`unicode61`, diacritics removed) whose rowid is the node's
/// row; ranked by `bm25()`, the filter applied in the same statement. WAL, `synchronous =
/// NORMAL`, prepared statements, as ``SQLiteTwin``.
final class SQLiteFullText {
    let pool: DatabasePool

    init(path: String) throws {
        var configuration = GRDB.Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS docs (
                        rowid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, agent TEXT NOT NULL, ctx TEXT NOT NULL,
                        type TEXT, conf REAL, ts INTEGER NOT NULL);
                    CREATE INDEX IF NOT EXISTS docs_agent_ctx_ts ON docs (agent, ctx, ts);
                    CREATE INDEX IF NOT EXISTS docs_ctx_ts ON docs (ctx, ts);
                    CREATE INDEX IF NOT EXISTS docs_ts ON docs (ts);
                    CREATE INDEX IF NOT EXISTS docs_conf ON docs (conf);
                    CREATE INDEX IF NOT EXISTS docs_type_ts ON docs (type, ts);
                    CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
                        body, content = '', tokenize = 'unicode61 remove_diacritics 2');
                    """)
        }
    }

    /// Inserts node `index` + 1 of `rows` for each, with `body` its text, in one transaction.
    func insert(_ rows: [(index: Int, node: Workload.Node, body: String)]) throws {
        try pool.write { db in
            let insertDocument = try db.cachedStatement(sql: "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)")
            let insertText = try db.cachedStatement(sql: "INSERT INTO fts (rowid, body) VALUES (?, ?)")
            for row in rows {
                let node = row.node
                try insertDocument.execute(arguments: [
                    row.index + 1, Data(node.id.bytes), node.agent, node.context, node.type, node.confidence,
                    SQLiteTwin.micros(node),
                ])
                try insertText.execute(arguments: [row.index + 1, row.body])
            }
        }
    }

    /// The best `limit` nodes holding every one of `words` among those `filter` keeps, best first
    /// (ties: the greater id first), as indexes into the rows inserted, each with its BM25 score
    /// (FTS5's `bm25()` negated: higher is better).
    func search(_ words: [String], filter: S4Filter?, limit: Int) throws -> [(document: Int, score: Double)] {
        try pool.read { db in
            let condition = filter.map { " AND " + SQLiteTwin.condition($0, table: "docs") } ?? ""
            let statement = try db.cachedStatement(
                sql: """
                    SELECT docs.rowid, bm25(fts) FROM fts JOIN docs ON docs.rowid = fts.rowid
                    WHERE fts MATCH ?\(condition) ORDER BY bm25(fts), docs.id DESC LIMIT ?
                    """)
            var arguments: StatementArguments = [Self.match(words)]
            if let filter { arguments += SQLiteTwin.arguments(filter) }
            arguments += [limit]
            return try Row.fetchAll(statement, arguments: arguments).map { row in
                (Int(row[0] as Int64) - 1, -(row[1] as Double))
            }
        }
    }

    /// An FTS5 query that every one of `words` must match: each quoted, separated by spaces
    /// (FTS5's implicit AND).
    static func match(_ words: [String]) -> String {
        words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
    }
}
