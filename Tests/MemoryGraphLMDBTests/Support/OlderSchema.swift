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

    /// Rewrites the full-text index as schema versions 6 and 7 wrote it — postings of node id
    /// (16) · occurrences (4), documents of node id → length (4), no document numbers — and marks
    /// the store version 7.
    static func downgradeTextIndex(_ graph: MemoryGraph) throws {
        let schema = graph.schema
        guard let terms = schema.textTerms, let documents = schema.textDocuments, let numbers = schema.textNumbers
        else { preconditionFailure("the store has no full-text index") }
        try graph.environment.write { txn in
            var owners: [UInt64: [UInt8]] = [:]
            try txn.scan(numbers) { key, value in
                owners[key.bigEndianUInt64(at: 0)] = Array(value.prefix(16))
                return true
            }
            var postings: [([UInt8], [UInt8])] = []
            try txn.scan(terms) { key, value in
                let owner = owners[value.bigEndianUInt64(at: 0)] ?? []
                postings.append((Array(key), owner + value.suffix(4)))
                return true
            }
            var lengths: [([UInt8], [UInt8])] = []
            try txn.scan(documents) { key, value in
                lengths.append((Array(key), Array(value.suffix(4))))
                return true
            }
            for database in [terms, documents, numbers] { try txn.removeAll(in: database) }
            for (term, posting) in postings { try txn.put(posting, forKey: term, in: terms) }
            for (id, length) in lengths { try txn.put(length, forKey: id, in: documents) }
            var stored: [UInt8] = []
            stored.appendBigEndian(UInt32(7))
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
