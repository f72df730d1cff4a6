import Foundation
public import Logging
public import Metrics

extension MemoryGraph {
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

    /// How a ``MemoryGraph`` is opened and behaves.
    ///
    /// ```swift
    /// var configuration = MemoryGraph.Configuration()
    /// configuration.maxNodesPerBundle = 200
    /// configuration.durability = .noMetaSync
    /// let graph = try MemoryGraph(path: "memory.lmdb", configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// Keep the store on disk at the given path. When `false`, ``MemoryGraph/init(path:configuration:)``
        /// ignores the path and uses a temporary store that is removed on close, as
        /// ``MemoryGraph/ephemeral(configuration:)`` does. Default: `true`.
        public var enablePersistentStorage = true
        /// The store's directory for ``MemoryGraph/init(configuration:)``; the `path` argument of
        /// ``MemoryGraph/init(path:configuration:)`` takes its place there. Default: `nil`.
        public var storagePath: String?
        /// Offer the `async` forms; when `false` they throw ``MemoryGraphError/Code/asyncDisabled``
        /// (the synchronous forms always work). Default: `true`.
        public var enableAsyncOperations = true
        /// Allow bundle operations; when `false` they throw ``MemoryGraphError/Code/bundlingDisabled``.
        /// Default: `true`.
        public var enableBundling = true
        /// The most nodes one bundle may hold. Default: 50.
        public var maxNodesPerBundle = 50
        /// The largest encoded result plus metadata of one node, in bytes. Default: 1 MiB.
        public var maximumPayloadSize = 1 << 20
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
        /// Keep recently read nodes decoded in memory (see ``MemoryGraph/cacheStatistics``).
        /// The cache is never stale: this process's writes update it as they commit, and a
        /// write by another process empties it before the next read returns. Default: `true`.
        public var enableCaching = true
        /// The most nodes the cache holds; must be positive when caching is on. Default: 10 000.
        public var cacheMaxSize = 10_000
        /// Which nodes the cache admits. Default: ``MemoryGraph/CacheAdmission/all``.
        public var cacheAdmission: CacheAdmission = .all

        /// Emit swift-metrics counters, timers and gauges (see the README's metrics table). With
        /// `false` nothing is measured at all. Default: `true`. Bootstrap the metrics backend
        /// before opening the graph: a graph opened with swift-metrics' no-op factory measures
        /// nothing.
        public var enableMetrics = true
        /// The factory for this graph's metrics; `nil` uses the process-wide `MetricsSystem`.
        /// Default: `nil`.
        public var metricsFactory: (any MetricsFactory)?
        /// Where the graph logs: one `.debug` entry per mutation (operation, node id, agent id,
        /// task context, duration; never payload contents). Default: a logger labelled
        /// `memory-graph`.
        public var logger = Logger(label: "memory-graph")

        /// The defaults.
        public init() {}

        /// Checks every value; throws ``MemoryGraphError/Code/invalidConfiguration`` naming the
        /// first invalid one.
        func validate() throws {
            func invalid(_ message: String) -> MemoryGraphError {
                MemoryGraphError(.invalidConfiguration, message)
            }
            guard maxNodesPerBundle > 0 else {
                throw invalid("maxNodesPerBundle must be positive, got \(maxNodesPerBundle)")
            }
            guard maximumPayloadSize >= 64 else {
                throw invalid("maximumPayloadSize must be at least 64 bytes, got \(maximumPayloadSize)")
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
            guard cacheMaxSize >= 0 else { throw invalid("cacheMaxSize must not be negative, got \(cacheMaxSize)") }
            guard !enableCaching || cacheMaxSize > 0 else {
                throw invalid("cacheMaxSize is 0 with enableCaching on; give the cache room or turn caching off")
            }
            if case .minConfidence(let threshold) = cacheAdmission, !threshold.isFinite {
                throw invalid("cacheAdmission's confidence threshold must be a finite number, got \(threshold)")
            }
        }
    }
}
