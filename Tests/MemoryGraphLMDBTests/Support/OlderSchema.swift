import LMDB
import MemoryGraph

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Rewrites a store as an older schema version wrote it, to test that the library still reads
/// such stores and upgrades them.
enum OlderSchema {
    /// Rewrites every index entry as schema versions 1 and 2 wrote it (the bare 24-byte posting),
    /// then, for `version` 1, every record without its out-links; and marks the store `version`.
    static func downgrade(_ graph: MemoryGraph, to version: UInt32) throws {
        precondition(version == 1 || version == 2)
        let schema = graph.schema
        try graph.environment.write { txn in
            for database in [schema.byAgent, schema.byContext, schema.byAgentContext, schema.byType] {
                var entries: [([UInt8], [UInt8])] = []
                try txn.scan(database) { key, value in
                    entries.append((Array(key), Array(value.prefix(Posting.size))))
                    return true
                }
                try txn.removeAll(in: database)
                for (key, posting) in entries { try txn.put(posting, forKey: key, in: database) }
            }
            if version == 1 {
                var records: [([UInt8], [UInt8])] = []
                try txn.scan(schema.nodes) { key, value in
                    let header = try NodeHeader(value)
                    var bytes = Array(value[..<NodeHeader.size])
                    bytes[1] &= ~4
                    bytes += value[header.payloadOffset...]
                    records.append((Array(key), bytes))
                    return true
                }
                for (key, bytes) in records { try txn.put(bytes, forKey: key, in: schema.nodes) }
            }
            var stored: [UInt8] = []
            stored.appendBigEndian(version)
            try txn.put(stored, forKey: MetaKey.schemaVersion, in: schema.meta)
        }
    }

    /// The schema version stored in the store's `meta` database, as its raw bytes.
    static func storedVersion(_ graph: MemoryGraph) throws -> [UInt8]? {
        try graph.environment.read { txn in try txn.get(MetaKey.schemaVersion, in: graph.schema.meta) }
    }

    /// The sizes of the entries of the posting lists keyed by interned ids.
    static func entrySizes(_ graph: MemoryGraph) throws -> Set<Int> {
        let schema = graph.schema
        var sizes = Set<Int>()
        try graph.environment.read { txn in
            for database in [schema.byAgent, schema.byContext, schema.byAgentContext, schema.byType] {
                try txn.scan(database) { _, value in
                    sizes.insert(value.count)
                    return true
                }
            }
        }
        return sizes
    }
}
