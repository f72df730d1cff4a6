import Foundation
import GRDB
import MemoryGraph

/// The SQLite side of S8: rows with a version, revised by `UPDATE … WHERE id = ? AND version = ?`
/// (compare-and-set), WAL with `synchronous = FULL` so that each commit is as durable as
/// MemoryGraph's with full durability.
final class SQLiteCounters: Sendable {
    let pool: DatabasePool

    init(path: String, ids: [NodeID]) throws {
        var configuration = GRDB.Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        configuration.maximumReaderCount = 64
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE counters (id BLOB PRIMARY KEY, version INTEGER NOT NULL, result TEXT NOT NULL) WITHOUT ROWID
                    """)
            let insert = try db.cachedStatement(sql: "INSERT INTO counters VALUES (?, 1, ?)")
            for id in ids {
                try insert.execute(arguments: [Data(id.bytes), #"{"type":"counter","count":0}"#])
            }
        }
    }

    /// Reads row `id`, increments its count and writes it back if its version is unchanged;
    /// `false` on a conflict.
    func increment(_ id: NodeID) throws -> Bool {
        let key = Data(id.bytes)
        let (version, result) = try pool.read { db -> (Int64, String) in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT version, result FROM counters WHERE id = ?"), arguments: [key])
            guard let row else { throw AnswerMismatch(description: "S8: SQLite misses a row") }
            return (row["version"], row["result"])
        }
        var value = try JSONValue(jsonString: result)
        value = ["type": "counter", "count": .int((value["count"]?.intValue ?? 0) + 1)]
        let text = try value.jsonString()
        return try pool.write { db in
            try db.cachedStatement(
                sql: "UPDATE counters SET version = version + 1, result = ? WHERE id = ? AND version = ?"
            )
            .execute(arguments: [text, key, version])
            return db.changesCount == 1
        }
    }

    /// The sum of every row's count.
    func total() throws -> Int {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT result FROM counters").reduce(0) { sum, text in
                sum + ((try JSONValue(jsonString: text))["count"]?.intValue ?? 0)
            }
        }
    }
}
