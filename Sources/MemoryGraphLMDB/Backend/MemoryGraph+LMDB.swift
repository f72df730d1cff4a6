import Foundation
public import MemoryGraphCore

/// Opening a ``MemoryGraph`` on the embedded LMDB backend, and what only that backend offers.
extension MemoryGraph {
    /// What a commit waits for; see ``LMDBConfiguration/Durability``.
    public typealias Durability = LMDBConfiguration.Durability
    /// How writes become transactions; see ``LMDBConfiguration/IndexUpdateStrategy``.
    public typealias IndexUpdateStrategy = LMDBConfiguration.IndexUpdateStrategy

    /// Opens the LMDB store in the directory `path`, creating it when it does not exist.
    ///
    /// ```swift
    /// let graph = try MemoryGraph(path: "memory.lmdb")
    /// ```
    ///
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/invalidConfiguration``,
    ///   ``MemoryGraphError/Code/alreadyOpen`` (open in this process already),
    ///   ``MemoryGraphError/Code/incompatibleSchema`` (written by a newer version), or
    ///   ``MemoryGraphError/Code/storage`` when the files cannot be opened.
    public convenience init(
        path: String, configuration: Configuration = Configuration(), lmdb: LMDBConfiguration = LMDBConfiguration()
    ) throws {
        if lmdb.enablePersistentStorage {
            try self.init(opening: path, configuration: configuration, lmdb: lmdb, removeOnClose: false)
        } else {
            try self.init(
                opening: try Self.temporaryDirectory(), configuration: configuration, lmdb: lmdb, removeOnClose: true)
        }
    }

    /// Opens the LMDB store in ``LMDBConfiguration/storagePath`` (or a temporary store when
    /// ``LMDBConfiguration/enablePersistentStorage`` is off).
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` when persistent storage is on and
    ///   no `storagePath` is set; otherwise as ``init(path:configuration:lmdb:)``.
    public convenience init(configuration: Configuration = Configuration(), lmdb: LMDBConfiguration) throws {
        guard let path = lmdb.storagePath ?? (lmdb.enablePersistentStorage ? nil : "") else {
            throw MemoryGraphError(
                .invalidConfiguration, "storagePath is not set; set it or use init(path:configuration:lmdb:)")
        }
        try self.init(path: path, configuration: configuration, lmdb: lmdb)
    }

    /// An LMDB store in a new temporary directory, removed when the graph is closed or released:
    /// for tests and scratch work. Commits are not synced to disk.
    public static func ephemeral(
        configuration: Configuration = Configuration(), lmdb: LMDBConfiguration = LMDBConfiguration()
    ) throws -> MemoryGraph {
        var lmdb = lmdb
        lmdb.enablePersistentStorage = false
        lmdb.durability = .noSync
        lmdb.readOnly = false
        return try MemoryGraph(
            opening: try temporaryDirectory(), configuration: configuration, lmdb: lmdb, removeOnClose: true)
    }

    private convenience init(
        opening path: String, configuration: Configuration, lmdb: LMDBConfiguration, removeOnClose: Bool
    ) throws {
        try configuration.validate()
        let metrics = StoreMetrics.make(for: configuration)
        let store = try LMDBStore(
            path: path, lmdb: lmdb, configuration: configuration, metrics: metrics, removeOnClose: removeOnClose)
        self.init(store: store, configuration: configuration, metrics: metrics)
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

    /// The LMDB backend, when this graph has one.
    public var lmdbStore: LMDBStore? { store as? LMDBStore }

    /// The directory of the LMDB store (empty for another backend).
    public var path: String { lmdbStore?.path ?? "" }

    /// The LMDB store's schema version, counts, databases, map and reader slots; see
    /// ``LMDBStore/status()``.
    ///
    /// - Throws: ``MemoryGraphError/Code/unsupported`` for another backend.
    public func status() throws -> StoreStatus {
        guard let lmdbStore else {
            throw MemoryGraphError(.unsupported, "status() describes an LMDB store; this graph has \(type(of: store))")
        }
        return try lmdbStore.status()
    }

    /// Builds a new LMDB store at `path` from the dump in `file`, keeping ids, timestamps, links,
    /// bundles and the store's creation time.
    ///
    /// The whole dump is read and checked first (JSON, fields, versions, counts, checksum, link
    /// and bundle targets); the store is then built in a directory beside `path` in chunked
    /// transactions and moved into place only when complete. On any error nothing is left
    /// behind and an existing store at `path` is untouched. A symbolic link at `path` is
    /// treated as an existing entry and, when replacing, replaced itself: nothing is written
    /// where it points.
    ///
    /// - Parameters:
    ///   - replacing: Replace an existing store at `path`; without it an existing `path` is refused.
    ///   - configuration: Limits the restored store is checked against (payload size, bundle size).
    ///   - lmdb: The new store's LMDB options (its file mode and map sizes).
    ///   - progress: Called while records are written.
    /// - Throws: ``MemoryGraphError/Code/invalidDump`` naming the line and what is wrong with it;
    ///   ``MemoryGraphError/Code/invalidArgument`` when `path` exists and `replacing` is `false`.
    @discardableResult
    public static func restore(
        dumpAt file: String, into path: String, replacing: Bool = false,
        configuration: Configuration = Configuration(), lmdb: LMDBConfiguration = LMDBConfiguration(),
        progress: ((DumpProgress) -> Void)? = nil
    ) throws -> DumpSummary {
        if entryExists(path), !replacing {
            throw MemoryGraphError(
                .invalidArgument, "\(path) already exists; replace it explicitly (--force) or choose another path")
        }
        let building = path + ".restoring-" + UUID().uuidString
        do {
            var settings = configuration
            settings.enableCaching = false
            settings.enableMetrics = false
            var options = lmdb
            options.enablePersistentStorage = true
            options.readOnly = false
            options.durability = .noSync
            options.indexUpdateStrategy = .immediate
            let graph = try MemoryGraph(path: building, configuration: settings, lmdb: options)
            defer { graph.close() }
            let summary = try graph.restore(dumpAt: file, progress: progress)
            try graph.lmdbStore?.syncToDisk()
            graph.close()
            try moveIntoPlace(building, path)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: building)
            throw error
        }
    }

    /// Whether anything — a directory, a file, or a symbolic link, even a dangling one — is at
    /// `path`. Links are never followed: restoring onto a link replaces the link itself.
    private static func entryExists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    /// Moves the finished store into place; an existing one is replaced only after the new one is there.
    private static func moveIntoPlace(_ building: String, _ path: String) throws {
        let files = FileManager.default
        do {
            if entryExists(path) {
                let replaced = path + ".replaced-" + UUID().uuidString
                try files.moveItem(atPath: path, toPath: replaced)
                try files.moveItem(atPath: building, toPath: path)
                try? files.removeItem(atPath: replaced)
            } else {
                try files.moveItem(atPath: building, toPath: path)
            }
        } catch {
            throw MemoryGraphError(.storage, "cannot move the restored store to \(path)", underlyingError: error)
        }
    }
}
