import LMDB
import MemoryGraphCore

/// The named databases of a store (on-disk format, schema version ``Schema/version``).
///
/// | database | key | value |
/// |---|---|---|
/// | `meta` | UTF-8 name | schema version, counters |
/// | `dict` | kind (1) · UTF-8 string | interned id (4, BE) |
/// | `dict.rev` | kind (1) · id (4, BE) | UTF-8 string |
/// | `nodes` | node id (16) | node record (``NodeHeader``, with its out-links) |
/// | `idx.agent`, `idx.context`, `idx.type` | interned id (4) | index entries (DUPFIXED, 44: posting 24 · ``FilterFields`` 20) |
/// | `idx.agent_context` | agent id (4) · context id (4) | index entries (44) |
/// | `idx.confidence` | confidence (8, IEEE 754 bits, BE) | postings (DUPFIXED, 24) |
/// | `idx.time` | posting (24) | empty |
/// | `links.out`, `links.in` | node id (16) | node ids (DUPFIXED, 16) |
/// | `bundles` | bundle id (16) | bundle record |
/// | `idx.bundle_task` | task id (4) | created-at (8) · bundle id (16) (DUPFIXED) |
/// | `idx.bundle_context` | context id (4) | created-at (8) · bundle id (16) (DUPFIXED) |
/// | `idx.bundle_node` | node id (16) | bundle ids (DUPFIXED, 16) |
/// | `idx.pending` | node id (16) | empty: nodes whose index entries are not written yet |
/// | `log` | sequence (8, BE) | change entry (``ChangeRecord``) |
/// | `log.node` | node id (16) | sequences (DUPFIXED, 8, BE) of the entries that keep an earlier version of the node |
/// | `idx.expiry` | expiry µs (8, sortable) · node id (16) | empty: the nodes that expire, soonest first |
/// | `vectors` | node id (16) | the node's embedding (``Embedding/bytes(of:)``: 4 bytes a component) |
/// | `text.terms` | term (UTF-8) | postings (DUPFIXED, 12: document number 8 · occurrences 4, BE) |
/// | `text.documents` | node id (16) | document number (8, BE) · the node's number of terms (4, BE): nodes with at least one |
/// | `text.numbers` | document number (8, BE) | node id (16) · the node's number of terms (4, BE) |
/// | `vectors.graph` | node id (16) · layer (1) | the node's neighbours in that layer of the vector index (node ids, 16 each) |
/// | `vectors.levels` | 255 − top layer (1) · node id (16) | empty: the vector index's nodes, the entry point first |
final class Schema: Sendable {
    /// The on-disk format version this library writes.
    ///
    /// Version 2 node records carry their out-links (version 1 records keep them only in
    /// `links.out`); in version 3 the entries of the posting lists keyed by interned ids carry
    /// the node's ``FilterFields``; version 4 records may carry a version and an update time
    /// (``NodeHeader``), which older libraries would drop on their next rewrite of the record;
    /// version 5 adds the change log (`log`, `log.node`) and expiry (`idx.expiry`, record flag
    /// 16), which older libraries would not maintain; version 6 adds embeddings (`vectors`, and
    /// `embedding.dimension` in `meta`) and the full-text index (`text.terms`, `text.documents`,
    /// `text.length` and `text.paths` in `meta`), which older libraries would not maintain;
    /// version 7 adds the approximate vector index (`vectors.graph`, `vectors.levels`, and
    /// `vectors.index` in `meta`), which older libraries would not maintain either; version 8
    /// files postings under document numbers given in indexing order (`text.numbers`), so the
    /// postings of new nodes land at the end of each term's list.
    static let version: UInt32 = 8
    /// The older versions this library also reads; a writable open upgrades them (rebuilding
    /// the indexes of those before ``filterFieldsVersion``, creating the databases of versions 5
    /// to 8, empty, emptying a full-text index of versions 6 and 7 to be rebuilt) and marks the
    /// store as ``version``.
    static let readableVersions: ClosedRange<UInt32> = 1...7
    /// The first version whose full-text postings are keyed by document numbers: older ones
    /// opened read-only are searched without their index.
    static let textNumbersVersion: UInt32 = 8
    /// The first version whose posting lists keyed by interned ids carry ``FilterFields``.
    static let filterFieldsVersion: UInt32 = 3

    static let postingList: DatabaseFlags = [.dupSort, .dupFixed]

    /// Every database with its flags, in the order they are opened.
    static let layout: [(name: String, flags: DatabaseFlags)] = [
        ("meta", []), ("dict", []), ("dict.rev", []), ("nodes", []),
        ("idx.agent", postingList), ("idx.context", postingList), ("idx.agent_context", postingList),
        ("idx.type", postingList), ("idx.time", []), ("idx.confidence", postingList),
        ("links.out", postingList), ("links.in", postingList), ("bundles", []),
        ("idx.bundle_task", postingList), ("idx.bundle_context", postingList),
        ("idx.bundle_node", postingList), ("idx.pending", []),
    ]

    /// The databases schema version 5 added: a read-only open of an older store finds none, and
    /// reads an empty log and no expiries.
    static let version5Layout: [(name: String, flags: DatabaseFlags)] = [
        ("log", []), ("log.node", postingList), ("idx.expiry", []),
    ]

    /// The databases schema version 6 added: a read-only open of an older store finds none, and
    /// reads no embeddings.
    static let version6Layout: [(name: String, flags: DatabaseFlags)] = [
        ("vectors", []), ("text.terms", postingList), ("text.documents", []),
    ]

    /// The databases schema version 7 added: a read-only open of an older store finds none, and
    /// searches vectors exactly.
    static let version7Layout: [(name: String, flags: DatabaseFlags)] = [
        ("vectors.graph", []), ("vectors.levels", []),
    ]

    /// The databases schema version 8 added: a read-only open of an older store does without
    /// them, and searches text without the index (whose postings have the older format).
    static let version8Layout: [(name: String, flags: DatabaseFlags)] = [("text.numbers", [])]

    let meta: Database
    let dictionary: Database
    let reverseDictionary: Database
    let nodes: Database
    let byAgent: Database
    let byContext: Database
    let byAgentContext: Database
    let byType: Database
    let byTime: Database
    let byConfidence: Database
    let linksOut: Database
    let linksIn: Database
    let bundles: Database
    let bundlesByTask: Database
    let bundlesByContext: Database
    let bundlesByNode: Database
    let pendingIndexing: Database
    /// The change log, `nil` in a read-only open of a store older than schema version 5.
    let log: Database?
    /// The change log's index by node id, `nil` when ``log`` is.
    let logByNode: Database?
    /// The nodes that expire, by expiry time; `nil` when ``log`` is.
    let byExpiry: Database?
    /// The embeddings, `nil` in a read-only open of a store older than schema version 6.
    let vectors: Database?
    /// The full-text index's postings by term; `nil` when ``vectors`` is.
    let textTerms: Database?
    /// The full-text index's documents (nodes with terms) and their lengths; `nil` when
    /// ``vectors`` is.
    let textDocuments: Database?
    /// The full-text index's documents by number; `nil` in a read-only open of a store older than
    /// schema version 8.
    let textNumbers: Database?
    /// The vector index's neighbour lists; `nil` in a read-only open of a store older than
    /// schema version 7.
    let vectorGraph: Database?
    /// The vector index's nodes by top layer; `nil` when ``vectorGraph`` is.
    let vectorLevels: Database?

    /// Every database, for statistics and verification.
    let all: [Database]

    init(
        _ databases: [Database], version5: [Database]?, version6: [Database]?, version7: [Database]?,
        version8: [Database]?
    ) {
        precondition(databases.count == Self.layout.count)
        precondition(version5 == nil || version5?.count == Self.version5Layout.count)
        precondition(version6 == nil || version6?.count == Self.version6Layout.count)
        precondition(version7 == nil || version7?.count == Self.version7Layout.count)
        precondition(version8 == nil || version8?.count == Self.version8Layout.count)
        all = databases + (version5 ?? []) + (version6 ?? []) + (version7 ?? []) + (version8 ?? [])
        textNumbers = version8?[0]
        vectorGraph = version7?[0]
        vectorLevels = version7?[1]
        vectors = version6?[0]
        textTerms = version6?[1]
        textDocuments = version6?[2]
        log = version5?[0]
        logByNode = version5?[1]
        byExpiry = version5?[2]
        meta = databases[0]
        dictionary = databases[1]
        reverseDictionary = databases[2]
        nodes = databases[3]
        byAgent = databases[4]
        byContext = databases[5]
        byAgentContext = databases[6]
        byType = databases[7]
        byTime = databases[8]
        byConfidence = databases[9]
        linksOut = databases[10]
        linksIn = databases[11]
        bundles = databases[12]
        bundlesByTask = databases[13]
        bundlesByContext = databases[14]
        bundlesByNode = databases[15]
        pendingIndexing = databases[16]
    }
}

extension Schema {
    /// Whether the entries of `database` carry ``FilterFields`` (schema version 3 on): those of
    /// the lists keyed by interned ids, which drive the selective queries. `idx.confidence` and
    /// `idx.time` hold bare postings: fields there made bulk loads about 10 % slower still.
    func carriesFilterFields(_ database: Database) -> Bool {
        database == byAgent || database == byContext || database == byAgentContext || database == byType
    }

    /// The schema version stored in `meta`, `nil` when there is none; a value that is not 4
    /// bytes reads as `UInt32.max`, a version no library reads.
    func storedVersion(in txn: Transaction) throws -> UInt32? {
        try txn.withValue(forKey: MetaKey.schemaVersion, in: meta) { bytes in
            bytes.map { $0.count == 4 ? $0.bigEndianUInt32(at: 0) : UInt32.max }
        }
    }

    /// Throws ``MemoryGraphError/Code/incompatibleSchema`` unless the store is marked as
    /// ``version``. Every write transaction checks it first: a newer library in another process
    /// may have upgraded the store after this one opened it, and entries in this version's format
    /// would then damage it.
    func requireCurrentVersion(in txn: Transaction, path: String) throws {
        let stored = try storedVersion(in: txn)
        guard stored != Self.version else { return }
        throw MemoryGraphError(
            .incompatibleSchema,
            "another process changed the store at \(path) to "
                + (stored.map { "schema version \($0)" } ?? "no schema version")
                + " after this graph read its version; this library writes version \(Self.version), so nothing was "
                + "written. Open the store again, with a library that reads its version")
    }

    /// The sequence number of the newest change log entry ever appended; 0 when none was: the
    /// log's last key, or `log.last` in `meta` when retention emptied the log.
    func lastSequence(in txn: Transaction) throws -> UInt64 {
        let kept = try txn.withValue(forKey: MetaKey.lastSequence, in: meta) { bytes in
            bytes.map { $0.count == 8 ? $0.bigEndianUInt64(at: 0) : 0 } ?? 0
        }
        guard let log else { return kept }
        let cursor = try txn.cursor(log)
        defer { cursor.close() }
        guard try cursor.last() else { return kept }
        return max(kept, cursor.withCurrent { key, _ in key.count == 8 ? key.bigEndianUInt64(at: 0) : 0 })
    }

    /// Marks the store as schema ``version``.
    func storeVersion(in txn: Transaction) throws {
        var version: [UInt8] = []
        version.appendBigEndian(Self.version)
        try txn.put(version, forKey: MetaKey.schemaVersion, in: meta)
    }
}

/// Names of the entries of the `meta` database.
enum MetaKey {
    static let schemaVersion = Array("schema_version".utf8)
    static let createdAt = Array("created_at".utf8)
    static let agentCount = Array("count.agents".utf8)
    static let contextCount = Array("count.contexts".utf8)
    static let typeCount = Array("count.types".utf8)
    /// The sequence number of the newest change log entry, written when retention empties the
    /// log (8, BE); otherwise the log's last key says it, and no commit rewrites a `meta` page
    /// for it.
    static let lastSequence = Array("log.last".utf8)
    /// The dimension of every embedding (4, BE), written with the first one.
    static let embeddingDimension = Array("embedding.dimension".utf8)
    /// The sum of the lengths of the full-text index's documents (8, BE).
    static let textLength = Array("text.length".utf8)
    /// The metadata paths the full-text index was built with: UTF-8, joined by newlines; absent
    /// until the index is built (a store upgraded to version 6 has it built on a writable open).
    static let textPaths = Array("text.paths".utf8)
    /// The vector index's parameters (``VectorIndexParameters``), absent when the store has none.
    static let vectorIndex = Array("vectors.index".utf8)
}
