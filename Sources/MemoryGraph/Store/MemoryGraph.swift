import Dispatch
import Foundation
import LMDB
import Logging
import Metrics
import Synchronization

/// A shared, durable memory for a team of agents, stored in LMDB.
///
/// Agents add *memory nodes* (who wrote what, for which task context, linked to which other
/// nodes) and read them back by id, by agent and context, through links, and in bundles per
/// task. Every write updates the node, all its secondary indexes and links in one transaction:
/// readers never see half of it, and a rejected write stores nothing.
///
/// ```swift
/// let graph = try MemoryGraph(path: "memory.lmdb")
/// let plan = try graph.addNode(agentID: "planner", taskContext: "trip-42",
///                              result: ["type": "plan", "confidence_score": 0.91])
/// let recent = try graph.recall(agentID: "planner", taskContext: "trip-42", limit: 50)
/// ```
///
/// ## Threads
/// `MemoryGraph` is `Sendable`. Synchronous reads run on the calling thread in a pooled
/// read-only snapshot and never wait for writers. Synchronous writes run one at a time, each in
/// its own transaction. The `async` forms of reads run inline (a read never blocks); the `async`
/// forms of writes are handed to a serial writer queue and the caller is resumed when the
/// commit returned, so no cooperative-pool thread waits for the writer.
///
/// One `MemoryGraph` per store per process: share the instance. Other processes may open the
/// same store at the same time.
public final class MemoryGraph: Sendable {
    /// The directory of the store.
    public let path: String
    /// The configuration the graph was opened with.
    public let configuration: Configuration

    let environment: Environment
    let schema: Schema
    let interner: Interner
    /// Decoded nodes, when ``Configuration/enableCaching`` is on.
    let cache: NodeCache?
    /// The swift-metrics instruments, when ``Configuration/enableMetrics`` is on.
    let metrics: StoreMetrics?
    /// Where mutations are logged (``Configuration/logger``).
    let logger: Logger
    /// Query latencies and write counts for ``performanceReport()``.
    let activity = Activity()
    /// Nodes this process committed without their index entries (lazy indexing).
    let unindexedNodes = Atomic<Int>(0)
    let writerQueue: DispatchQueue
    /// Writes waiting for the writer queue.
    let writes: WriteQueue
    private static let writerQueueKey = DispatchSpecificKey<Void>()
    private let removeOnClose: Bool
    private let closed = Atomic(false)

    /// Opens the store in the directory `path`, creating it when it does not exist.
    ///
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/invalidConfiguration``,
    ///   ``MemoryGraphError/Code/alreadyOpen`` (open in this process already),
    ///   ``MemoryGraphError/Code/incompatibleSchema`` (written by a newer version), or
    ///   ``MemoryGraphError/Code/storage`` when the files cannot be opened.
    public convenience init(path: String, configuration: Configuration = Configuration()) throws {
        if configuration.enablePersistentStorage {
            try self.init(opening: path, configuration: configuration, removeOnClose: false)
        } else {
            try self.init(opening: try Self.temporaryDirectory(), configuration: configuration, removeOnClose: true)
        }
    }

    /// Opens the store in ``Configuration/storagePath`` (or a temporary store when
    /// ``Configuration/enablePersistentStorage`` is off).
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` when persistent storage is on and
    ///   no `storagePath` is set; otherwise as ``init(path:configuration:)``.
    public convenience init(configuration: Configuration) throws {
        guard let path = configuration.storagePath ?? (configuration.enablePersistentStorage ? nil : "") else {
            throw MemoryGraphError(
                .invalidConfiguration, "storagePath is not set; set it or use init(path:configuration:)")
        }
        try self.init(path: path, configuration: configuration)
    }

    /// A store in a new temporary directory, removed when the graph is closed or released:
    /// for tests and scratch work. Commits are not synced to disk.
    public static func ephemeral(configuration: Configuration = Configuration()) throws -> MemoryGraph {
        var configuration = configuration
        configuration.enablePersistentStorage = false
        configuration.durability = .noSync
        configuration.readOnly = false
        return try MemoryGraph(
            opening: try temporaryDirectory(), configuration: configuration, removeOnClose: true)
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "memory-graph-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw MemoryGraphError(.storage, "cannot create a temporary directory at \(path)", underlyingError: error)
        }
        return path
    }

    private init(opening path: String, configuration: Configuration, removeOnClose: Bool) throws {
        try configuration.validate()
        self.path = path
        self.configuration = configuration
        self.removeOnClose = removeOnClose
        writerQueue = DispatchQueue(label: "memory-graph.writer")
        writerQueue.setSpecific(key: Self.writerQueueKey, value: ())
        writes = WriteQueue(queue: writerQueue, groupsWrites: configuration.indexUpdateStrategy == .batch)
        logger = configuration.logger
        var options = Environment.Options()
        options.mapSize = configuration.mapSize
        options.maximumMapSize = configuration.maximumMapSize
        options.maximumReaders = configuration.maxReaders
        options.maximumDatabases = Schema.layout.count + 4
        options.readOnly = configuration.readOnly
        options.fileMode = configuration.fileMode
        options.durability = Environment.Durability(rawValue: configuration.durability.rawValue) ?? .full
        options.sharing = .refuse
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
                Schema.layout.map {
                    (name: $0.name, flags: configuration.readOnly ? $0.flags : $0.flags.union(.create))
                }
            )
            schema = Schema(databases)
            interner = Interner(schema: schema)
            try Self.checkSchemaVersion(
                environment, schema, interner, readOnly: configuration.readOnly, path: path, logger: logger)
            if !configuration.readOnly {
                // Index entries a lazy writer did not get to before the store was closed.
                let (schema, interner) = (schema, interner)
                try environment.write { txn in
                    try schema.requireCurrentVersion(in: txn, path: path)
                    _ = try StoreTransaction(txn, schema: schema, interner: interner).applyPendingIndexing()
                }
            }
            // Instruments keep the factory they were made with: with swift-metrics' no-op
            // factory nothing would ever be recorded, so nothing is measured either.
            let factory = configuration.metricsFactory ?? MetricsSystem.factory
            let metrics =
                configuration.enableMetrics && !(factory is NOOPMetricsHandler) ? StoreMetrics(factory: factory) : nil
            self.metrics = metrics
            cache =
                configuration.enableCaching
                ? NodeCache(
                    capacity: configuration.cacheMaxSize, admission: configuration.cacheAdmission,
                    transaction: try environment.info().lastTransactionID, metrics: metrics) : nil
        } catch {
            environment.close()
            if let error = error as? MemoryGraphError { throw error }
            if let error = error as? LMDBError, error.code == .mapFull || error.code == .noSpace {
                throw MemoryGraphError(
                    .storageFull,
                    "opening \(path) writable upgrades its indexes, which needs room for another copy of them: "
                        + "raise Configuration.maximumMapSize or free disk space, or open it read-only",
                    underlyingError: error)
            }
            if let error = error as? LMDBError, error.code == .notFound {
                throw MemoryGraphError(
                    .incompatibleSchema, "\(path) is not a MemoryGraph store (a database is missing)",
                    underlyingError: error)
            }
            throw MemoryGraphError(.storage, "cannot open the store at \(path)", underlyingError: error)
        }
    }

    /// The error for an environment that LMDB could not open: damage and foreign files are
    /// told apart from plain I/O and permission problems.
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
            // only in `links.out`, and index entries before version 3 carry no filter fields.
            // Writable, its indexes are rebuilt in the current entry format and it is marked as
            // the current version, in one transaction, so an older library refuses it.
            // Version 1 records gain their links when these next change (or on repair).
            guard !readOnly else { break }
            logger.info(
                "upgrading the store's indexes to schema version \(Schema.version)",
                metadata: ["path": "\(path)", "stored_version": "\(older)"])
            try environment.write { txn in
                // Another process may have upgraded the store since the version was read.
                guard try schema.storedVersion(in: txn) == older else {
                    return try schema.requireCurrentVersion(in: txn, path: path)
                }
                try StoreTransaction(txn, schema: schema, interner: interner).rebuildIndexes()
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

    /// Closes the store: waits for writes in flight, then releases the files. Later calls throw
    /// ``MemoryGraphError/Code/closed``. An ephemeral store's directory is removed. Calling it
    /// twice is harmless.
    public func close() {
        guard !closed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        if DispatchQueue.getSpecific(key: Self.writerQueueKey) == nil {
            writerQueue.sync {}  // let queued asynchronous writes finish
        }
        environment.close()
        if removeOnClose {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// What the node cache did since the graph was opened (all zero when caching is off).
    public var cacheStatistics: CacheStatistics {
        cache?.statistics
            ?? CacheStatistics(hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0)
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }

    // MARK: Transactions

    func ensureOpen() throws {
        if isClosed { throw MemoryGraphError(.closed, "the graph at \(path) was closed; open it again") }
    }

    /// Runs `body` in a read-only snapshot; counts and times it as `operation` (a public
    /// method's `#function`), and as a query for ``performanceReport()`` when `isQuery`.
    func read<T>(operation: StaticString = #function, isQuery: Bool = false, _ body: (StoreTransaction) throws -> T)
        throws -> T
    {
        try ensureOpen()
        if unindexedNodes.load(ordering: .acquiring) > 0 { try catchUpIndexing() }
        let timed = metrics != nil || isQuery
        let start = timed ? monotonicNanoseconds() : 0
        defer {
            if timed {
                let elapsed = monotonicNanoseconds() &- start
                metrics?.record(function: operation, nanoseconds: elapsed)
                if isQuery { activity.recordQuery(nanoseconds: elapsed) }
            }
        }
        return try translatingErrors {
            try environment.read { txn in
                cache?.observe(snapshot: txn.id)
                return try body(StoreTransaction(txn, schema: schema, interner: interner, cache: cache))
            }
        }
    }

    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MemoryGraphError {
            throw error
        } catch let error as LMDBError {
            throw translate(error)
        } catch let error as RecordCorruption {
            throw MemoryGraphError(.corruption, "stored bytes are damaged: \(error)", underlyingError: error)
        }
    }

    /// Whether the file system holding the store has less than 1 MiB left.
    private var diskIsFull: Bool {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes?[.systemFreeSize] as? NSNumber).map { $0.int64Value < 1 << 20 } ?? false
    }

    private func translate(_ error: LMDBError) -> MemoryGraphError {
        switch error.code {
        case .mapFull:
            return MemoryGraphError(
                .storageFull,
                "the store reached its maximum size (Configuration.maximumMapSize = \(configuration.maximumMapSize) "
                    + "bytes); nothing of this write was stored. Raise the maximum or remove data",
                underlyingError: error)
        // LMDB reports a write that the disk cut short as EIO, not ENOSPC.
        case .noSpace,
            .ioError where diskIsFull:
            return MemoryGraphError(
                .storageFull, "the disk holding \(path) is full; nothing of this write was stored",
                underlyingError: error)
        case .closed:
            return MemoryGraphError(.closed, "the graph at \(path) was closed; open it again", underlyingError: error)
        case .corrupted, .pageNotFound, .panic:
            return MemoryGraphError(
                .corruption, "the store at \(path) is damaged; restore it from a backup", underlyingError: error)
        default:
            return MemoryGraphError(.storage, "the storage engine failed: \(error.message)", underlyingError: error)
        }
    }
}
