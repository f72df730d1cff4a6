import Foundation
import LMDB
import Logging
public import MemoryGraphCore
import NIOConcurrencyHelpers
import Synchronization

/// The embedded backend: a graph in an LMDB environment directory, shared safely by every
/// thread of this process and every process on this host.
///
/// Every mutation updates the node, all its secondary indexes and links in one LMDB
/// transaction; readers work on consistent snapshots (pooled read transactions) without waiting
/// for the writer; one ``Writer`` commits, with group commit and lazy indexing as
/// ``LMDBConfiguration/indexUpdateStrategy`` says. Most code uses it through the facade:
///
/// ```swift
/// let graph = try MemoryGraph(path: "memory.lmdb")          // an LMDBStore behind it
/// let store = try LMDBStore(path: "memory.lmdb")            // or the backend itself
/// let graph2 = try MemoryGraph(store: store)
/// ```
///
/// One `LMDBStore` per store per process: opening the same directory twice in one process
/// fails with ``MemoryGraphError/Code/alreadyOpen``.
public final class LMDBStore: MaintainableGraphStore {
    /// The directory of the store.
    public let path: String
    /// The LMDB options the store was opened with.
    public let lmdbConfiguration: LMDBConfiguration
    /// The core options the store follows (cache, bundles, payload limit, metrics).
    public let configuration: MemoryGraph.Configuration

    let parts: StoreParts
    let writer: Writer
    private let removeOnClose: Bool
    private let closed = Atomic(false)
    /// The background sweep of expired nodes, in a writable store.
    private let sweeper = LockedValue<ExpirySweeper?>(nil)

    var environment: Environment { parts.environment }
    var schema: Schema { parts.schema }
    var interner: Interner { parts.interner }
    var cache: NodeCache? { parts.cache }

    /// Opens the store in the directory `path`, creating it when it does not exist.
    ///
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/invalidConfiguration``,
    ///   ``MemoryGraphError/Code/alreadyOpen`` (open in this process already),
    ///   ``MemoryGraphError/Code/incompatibleSchema`` (written by a newer version),
    ///   ``MemoryGraphError/Code/corruption`` (not an LMDB file, or truncated), or
    ///   ``MemoryGraphError/Code/storage`` when the files cannot be opened.
    public convenience init(
        path: String, lmdb: LMDBConfiguration = LMDBConfiguration(),
        configuration: MemoryGraph.Configuration = MemoryGraph.Configuration()
    ) throws {
        try configuration.validate()
        try self.init(
            path: path, lmdb: lmdb, configuration: configuration, metrics: StoreMetrics.make(for: configuration),
            removeOnClose: false)
    }

    /// Opens the store with the instruments the facade shares, removing its directory on close
    /// when `removeOnClose` (a temporary store).
    package init(
        path: String, lmdb: LMDBConfiguration, configuration: MemoryGraph.Configuration, metrics: StoreMetrics?,
        removeOnClose: Bool
    ) throws {
        try lmdb.validate()
        self.path = path
        lmdbConfiguration = lmdb
        self.configuration = configuration
        self.removeOnClose = removeOnClose
        var options = Environment.Options()
        options.mapSize = lmdb.mapSize
        options.maximumMapSize = lmdb.maximumMapSize
        options.maximumReaders = lmdb.maxReaders
        options.maximumDatabases =
            Schema.layout.count + Schema.version5Layout.count + Schema.version6Layout.count
            + Schema.version7Layout.count + Schema.version8Layout.count + 4
        options.readOnly = lmdb.readOnly
        options.fileMode = lmdb.fileMode
        options.durability = Environment.Durability(rawValue: lmdb.durability.rawValue) ?? .full
        options.sharing = .refuse
        let environment: Environment
        do {
            environment = try Environment.open(path: path, options: options)
        } catch  where error.code == .alreadyOpen {
            throw MemoryGraphError(
                .alreadyOpen, "\(path) is already open in this process; share that MemoryGraph instance",
                underlyingError: error)
        } catch {
            throw Self.openingError(error, path: path)
        }
        do {
            let databases = try environment.openDatabases(
                Schema.layout.map { (name: $0.name, flags: lmdb.readOnly ? $0.flags : $0.flags.union(.create)) }
            )
            let version5 = try Self.openLater(Schema.version5Layout, environment, readOnly: lmdb.readOnly)
            let version6 = try Self.openLater(Schema.version6Layout, environment, readOnly: lmdb.readOnly)
            let version7 = try Self.openLater(Schema.version7Layout, environment, readOnly: lmdb.readOnly)
            var version8 = try Self.openLater(Schema.version8Layout, environment, readOnly: lmdb.readOnly)
            if lmdb.readOnly, version8 != nil {
                // A writable open that created `text.numbers` may have stopped before the upgrade:
                // an older store's postings are in the older format.
                let probe = Schema(databases, version5: nil, version6: nil, version7: nil, version8: nil)
                let stored = try environment.read { txn in try probe.storedVersion(in: txn) } ?? Schema.version
                if stored < Schema.textNumbersVersion { version8 = nil }
            }
            let schema = Schema(
                databases, version5: version5, version6: version6, version7: version7, version8: version8)
            let interner = Interner(schema: schema)
            let logger = configuration.logger
            try Self.checkSchemaVersion(
                environment, schema, interner, readOnly: lmdb.readOnly, path: path, logger: logger)
            if !lmdb.readOnly {
                // Index entries a lazy writer did not get to before the store was closed.
                try environment.write { txn in
                    try schema.requireCurrentVersion(in: txn, path: path)
                    let store = StoreTransaction(txn, schema: schema, interner: interner)
                    _ = try store.applyPendingIndexing()
                    let paths = configuration.searchableMetadataPaths
                    if try store.textIndexPaths() != paths {
                        if try txn.statistics(of: schema.nodes).entries > 0 {
                            logger.info(
                                "building the full-text index",
                                metadata: ["path": "\(path)", "metadata_paths": "\(paths)"])
                        }
                        try store.rebuildTextIndex(paths: paths)
                    }
                    if try store.apply(lmdb.vectorIndex), let vectors = schema.vectors,
                        try txn.statistics(of: vectors).entries > 0
                    {
                        logger.info("built the vector index", metadata: ["path": "\(path)"])
                    }
                }
            }
            let cache =
                configuration.enableCaching
                ? NodeCache(
                    capacity: configuration.cacheMaxSize, admission: configuration.cacheAdmission,
                    transaction: try environment.info().lastTransactionID, metrics: metrics) : nil
            parts = StoreParts(
                path: path, environment: environment, schema: schema, interner: interner, cache: cache,
                metrics: metrics, gauges: metrics.map(LMDBGauges.init), maximumMapSize: lmdb.maximumMapSize,
                retention: configuration.changeRetention, commits: CommitSignal(), clock: configuration.currentTime)
            writer = Writer(
                store: parts, strategy: lmdb.indexUpdateStrategy,
                groupCommitWindow: UInt64(lmdb.groupCommitWindow * 1e9))
        } catch {
            environment.close()
            if let error = error as? MemoryGraphError { throw error }
            if let error = error as? LMDBError, error.code == .mapFull || error.code == .noSpace {
                throw MemoryGraphError(
                    .storageFull,
                    "opening \(path) writable upgrades its indexes, which needs room for another copy of them: "
                        + "raise LMDBConfiguration.maximumMapSize or free disk space, or open it read-only",
                    underlyingError: error)
            }
            if let error = error as? LMDBError, error.code == .notFound {
                throw MemoryGraphError(
                    .incompatibleSchema, "\(path) is not a MemoryGraph store (a database is missing)",
                    underlyingError: error)
            }
            throw MemoryGraphError(.storage, "cannot open the store at \(path)", underlyingError: error)
        }
        if !lmdb.readOnly, let interval = configuration.expirySweepInterval {
            sweeper.withLockedValue { sweeper in
                sweeper = ExpirySweeper(interval: interval) { [weak self] in await self?.sweepInBackground() ?? false }
            }
        }
    }

    /// The error for an environment that LMDB could not open: damage and foreign files are
    /// told apart from plain I/O and permission problems.
    /// The databases a later schema version added (`layout`): created by a writable open, absent
    /// (`nil`) in a read-only open of an older store.
    private static func openLater(
        _ layout: [(name: String, flags: DatabaseFlags)], _ environment: Environment, readOnly: Bool
    ) throws -> [Database]? {
        do {
            return try environment.openDatabases(
                layout.map { (name: $0.name, flags: readOnly ? $0.flags : $0.flags.union(.create)) })
        } catch let error as LMDBError where readOnly && error.code == .notFound {
            return nil
        }
    }

    private static func openingError(_ error: LMDBError, path: String) -> MemoryGraphError {
        switch error.code {
        case .invalid, .corrupted, .pageNotFound, .panic:
            return MemoryGraphError(
                .corruption, "cannot open the store at \(path): \(error.message)", underlyingError: error)
        case .versionMismatch, .incompatible:
            return MemoryGraphError(
                .incompatibleSchema, "cannot open the store at \(path): \(error.message)", underlyingError: error)
        default:
            return MemoryGraphError(
                .storage, "cannot open the store at \(path): \(error.message)", underlyingError: error)
        }
    }

    /// Checks the stored schema version, marks a new store, and upgrades an older store opened
    /// writable.
    private static func checkSchemaVersion(
        _ environment: Environment, _ schema: Schema, _ interner: Interner, readOnly: Bool, path: String,
        logger: Logger
    ) throws {
        let stored = try environment.read { txn in try schema.storedVersion(in: txn) }
        switch stored {
        case nil where readOnly:
            throw MemoryGraphError(.incompatibleSchema, "\(path) holds no MemoryGraph schema version")
        case nil:
            try environment.write { txn in
                // Another process may have created the store since the version was read.
                if try schema.storedVersion(in: txn) != nil {
                    return try schema.requireCurrentVersion(in: txn, path: path)
                }
                try schema.storeVersion(in: txn)
                var created: [UInt8] = []
                created.appendBigEndian(Microseconds.now().sortable)
                try txn.put(created, forKey: MetaKey.createdAt, in: schema.meta)
            }
        case Schema.version?:
            break
        case let older? where Schema.readableVersions.contains(older):
            // Read-only, an older store reads as it is: version 1 records keep their out-links
            // only in `links.out`, index entries before version 3 carry no filter fields, and
            // records before version 4 carry no revision (they are at version 1). Writable, a
            // store before version 3 has its indexes rebuilt in the current entry format, and
            // every older store is marked as the current version, in one transaction, so an
            // older library refuses it. Version 1 records gain their links when these next
            // change (or on repair).
            guard !readOnly else { break }
            logger.info(
                "upgrading the store to schema version \(Schema.version)",
                metadata: ["path": "\(path)", "stored_version": "\(older)"])
            try environment.write { txn in
                // Another process may have upgraded the store since the version was read.
                guard try schema.storedVersion(in: txn) == older else {
                    return try schema.requireCurrentVersion(in: txn, path: path)
                }
                if older < Schema.filterFieldsVersion {
                    try StoreTransaction(txn, schema: schema, interner: interner).rebuildIndexes()
                }
                if older < Schema.textNumbersVersion {
                    // Postings keyed by node ids: emptied, and rebuilt by number once the store
                    // is marked (the index is rebuilt whenever its paths are absent).
                    try StoreTransaction(txn, schema: schema, interner: interner).dropTextIndex()
                }
                try schema.storeVersion(in: txn)
            }
        case let other?:
            throw MemoryGraphError(
                .incompatibleSchema,
                "\(path) has schema version \(other); this library reads versions \(Schema.readableVersions.lowerBound) to \(Schema.version). "
                    + "Use a newer MemoryGraph, or dump and restore it with the version that wrote it")
        }
    }

    deinit {
        close()
    }

    /// Waits for writes in flight, then releases the files. A temporary store's directory is
    /// removed. Calling it twice is harmless.
    public func close() {
        guard !closed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        sweeper.withLockedValue { $0?.stop() }
        writer.waitForQueuedWrites()
        environment.close()
        if removeOnClose {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }

    /// What the node cache did since the store was opened (all zero when caching is off).
    public var cacheStatistics: MemoryGraph.CacheStatistics {
        cache?.statistics
            ?? MemoryGraph.CacheStatistics(
                hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0)
    }

    // MARK: Transactions

    func ensureOpen() throws {
        if isClosed { throw MemoryGraphError(.closed, "the graph at \(path) was closed; open it again") }
    }

    func ensureWritable() throws {
        try ensureOpen()
        guard !lmdbConfiguration.readOnly else {
            throw MemoryGraphError(
                .readOnly, "the graph at \(path) was opened read-only; open it writable to change it")
        }
    }

    /// Runs `body` in a read-only snapshot, after what this process left unindexed is indexed.
    /// With `hidingExpired` off it sees the records as stored, expired ones not swept yet
    /// included (verification checks what is on disk).
    func read<T>(hidingExpired: Bool = true, _ body: (StoreTransaction) throws -> T) throws -> T {
        try ensureOpen()
        if writer.hasUnindexedNodes { try writer.catchUpIndexing() }
        return try snapshot(hidingExpired: hidingExpired, body)
    }

    /// Runs `body` in a read-only snapshot as it is (the caller caught up with lazy indexing).
    func snapshot<T>(hidingExpired: Bool = true, _ body: (StoreTransaction) throws -> T) throws -> T {
        try parts.translatingErrors {
            try environment.read { txn in
                cache?.observe(snapshot: txn.id)
                let expiry =
                    hidingExpired ? ExpiryView(clock: parts.clock, hint: parts.expiryHint, snapshot: txn.id) : nil
                return try body(StoreTransaction(txn, schema: schema, interner: interner, cache: cache, expiry: expiry))
            }
        }
    }

    /// Waits, suspended, until what this process left unindexed is indexed: what every `async`
    /// read does first, so that none blocks a thread of the cooperative pool.
    func catchUp() async throws {
        try ensureOpen()
        if writer.hasUnindexedNodes { try await writer.catchUpIndexing() }
    }
}
