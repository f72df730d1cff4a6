import MemoryGraphCore

/// How the embedded LMDB backend keeps its files: where, how commits are synced, how large the
/// memory map may grow, and how writes become transactions. What every backend shares (cache,
/// bundles, payload limit, metrics, logging) is ``MemoryGraph/Configuration``.
///
/// ```swift
/// var lmdb = LMDBConfiguration()
/// lmdb.durability = .noMetaSync
/// lmdb.indexUpdateStrategy = .batch
/// let graph = try MemoryGraph(path: "memory.lmdb", lmdb: lmdb)
/// ```
public struct LMDBConfiguration: Sendable {
    /// What a commit waits for before a write returns.
    public enum Durability: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every commit is synced to disk: an acknowledged write survives a power loss.
        case full
        /// The last commit may be lost on a system crash (never on a process crash); the store
        /// stays consistent.
        case noMetaSync
        /// Nothing is synced at commit; a process crash loses nothing. A system crash may undo
        /// recent commits and, unless the file system keeps writes in order, damage the store:
        /// only for data that can be rebuilt, such as a cache or a bulk load that can be repeated.
        case noSync
    }

    /// How writes become transactions.
    public enum IndexUpdateStrategy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Each write is its own transaction, committed before the call returns.
        case immediate
        /// Group commit: the writer starts a transaction with every write waiting and keeps
        /// taking in the writes that arrive while it applies them, so writes submitted at once
        /// share one commit and none waits for a timer; a failing write fails alone. Every
        /// caller still returns only after the commit that holds its write.
        case batch
        /// A new node's record and links are committed at once (durable when the call returns);
        /// its secondary-index entries are written by the writer in a later transaction, many
        /// nodes at a time. Every read first waits for what this process left unindexed, so a
        /// reader never misses a node its process acknowledged; writes are cheaper, and the
        /// first read after a burst of writes pays for indexing it. Another process reading the
        /// store sees such a node by id at once and in queries once it is indexed.
        case lazy
    }

    /// Keep the store on disk at the given path. When `false`, ``MemoryGraph/init(path:configuration:lmdb:)``
    /// ignores the path and uses a temporary store that is removed on close, as
    /// ``MemoryGraph/ephemeral(configuration:lmdb:)`` does. Default: `true`.
    public var enablePersistentStorage = true
    /// The store's directory for ``MemoryGraph/init(configuration:lmdb:)``; the `path` argument of
    /// ``MemoryGraph/init(path:configuration:lmdb:)`` takes its place there. Default: `nil`.
    public var storagePath: String?
    /// What a commit waits for. Default: ``Durability/full``.
    public var durability: Durability = .full
    /// The initial memory-map size in bytes (address space, not memory). Default: 1 GiB.
    public var mapSize = 1 << 30
    /// The size the map may grow to; writes beyond it fail with
    /// ``MemoryGraphError/Code/storageFull``. Default: 1 TiB.
    public var maximumMapSize = 1 << 40
    /// Reader slots shared by all processes using the store. Only an open while no other
    /// process has the store open sizes the table, and it never shrinks;
    /// ``StoreStatus/maximumReaders`` is the size in effect. Default: 510.
    public var maxReaders = 510
    /// Permissions of the files the store creates (`data.mdb`, `lock.mdb`, backups); its
    /// directory gets the same plus search permission where read is granted. Must include
    /// owner read and write. Default: `0o600` (directory `0o700`).
    public var fileMode: UInt32 = 0o600
    /// Open the store read-only: writes throw ``MemoryGraphError/Code/readOnly``; works while
    /// another process writes. Default: `false`.
    public var readOnly = false
    /// How writes become transactions. Default: ``IndexUpdateStrategy/immediate``.
    public var indexUpdateStrategy: IndexUpdateStrategy = .immediate
    /// With ``IndexUpdateStrategy/batch``: the longest time, in seconds, a transaction that
    /// already holds several writes waits for more once none is waiting. It stops waiting as
    /// soon as no write arrived for 100 µs, so producers that submit in a burst share one synced
    /// commit instead of two or three, and a write that arrives alone never waits. Between 0
    /// (no wait) and 0.01. Default: 0.001.
    public var groupCommitWindow = 0.001
    /// The store's approximate vector index (see ``VectorIndexParameters``). Default:
    /// ``VectorIndexSetting/keep``: whatever the store has, none for a new store.
    public var vectorIndex: VectorIndexSetting = .keep

    /// The defaults.
    public init() {}

    /// Checks every value; throws ``MemoryGraphError/Code/invalidConfiguration`` naming the
    /// first invalid one.
    func validate() throws {
        func invalid(_ message: String) -> MemoryGraphError {
            MemoryGraphError(.invalidConfiguration, message)
        }
        guard mapSize >= 1 << 16 else { throw invalid("mapSize must be at least 64 KiB, got \(mapSize)") }
        guard maximumMapSize >= mapSize else {
            throw invalid("maximumMapSize (\(maximumMapSize)) must be at least mapSize (\(mapSize))")
        }
        if let storagePath, storagePath.isEmpty {
            throw invalid("storagePath is empty; give a directory or leave it nil")
        }
        guard fileMode & ~0o777 == 0, fileMode & 0o600 == 0o600 else {
            throw invalid(
                "fileMode \(String(fileMode, radix: 8)) must be permission bits (at most 0o777) with owner "
                    + "read and write (0o600)")
        }
        guard maxReaders > 0 else { throw invalid("maxReaders must be positive, got \(maxReaders)") }
        guard groupCommitWindow >= 0 && groupCommitWindow <= 0.01 else {
            throw invalid(
                "groupCommitWindow must be between 0 and 0.01 seconds, got \(groupCommitWindow); 0 turns the wait off")
        }
        if case .hnsw(let parameters) = vectorIndex { try parameters.validate() }
        if readOnly, vectorIndex != .keep {
            throw invalid("vectorIndex can only be .keep in a read-only open: building or dropping an index writes")
        }
    }
}
