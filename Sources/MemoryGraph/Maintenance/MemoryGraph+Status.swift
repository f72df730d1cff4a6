import Foundation

extension MemoryGraph {
    /// Schema version, counts, every named database's entries, pages and depth, the map, and
    /// reader slots (freeing those of dead processes first), from one snapshot.
    ///
    /// Reader slots are shared by every process using the store; a process killed inside a read
    /// transaction keeps its slot until some process frees it (each open does, and so does a
    /// reader that finds the table full).
    public func status() throws -> StoreStatus {
        let statistics = try statistics()
        return try translatingErrors {
            try environment.checkStaleReaders()
            let readersInUse = try environment.readerSlots().count
            let info = try environment.info()
            let (version, databases) = try read { store in
                let version = try schema.storedVersion(in: store.txn)
                let databases = try schema.all.map { database in
                    let stat = try store.txn.statistics(of: database)
                    return StoreStatus.DatabaseStatus(
                        name: database.name ?? "", entries: stat.entries, pages: stat.totalPages, depth: stat.depth)
                }
                return (Int(version ?? Schema.version), databases)
            }
            return StoreStatus(
                schemaVersion: version, statistics: statistics, databases: databases,
                mapSize: info.mapSize, usedBytes: info.usedBytes, readersInUse: readersInUse,
                maximumReaders: info.maximumReaders, staleReadersFreed: environment.staleReadersFreed)
        }
    }

    /// Copies the store to `destination` while writers keep writing (a hot backup of one
    /// consistent snapshot, `mdb_env_copyfd2`); `compacting` leaves free pages out. The copy
    /// gets the store's ``Configuration/fileMode``.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when `destination` exists and is not
    ///   an empty directory.
    public func backup(to destination: String, compacting: Bool = false) throws {
        try ensureOpen()
        let files = FileManager.default
        if files.fileExists(atPath: destination) {
            guard (try? files.contentsOfDirectory(atPath: destination))?.isEmpty == true else {
                throw MemoryGraphError(
                    .invalidArgument, "\(destination) exists and is not an empty directory; choose a new path")
            }
        } else {
            do {
                try files.createDirectory(
                    atPath: destination, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: Int(environment.options.directoryMode)])
            } catch {
                throw MemoryGraphError(.invalidArgument, "cannot create \(destination)", underlyingError: error)
            }
        }
        try translatingErrors { try environment.copy(to: destination, compacting: compacting) }
    }
}
