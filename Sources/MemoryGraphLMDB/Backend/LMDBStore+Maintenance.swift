import Foundation
import LMDB
public import MemoryGraphCore

/// Verify, repair, hot backup and status.
extension LMDBStore {
    /// Checks, in one read snapshot, that every index entry points to a node with the matching
    /// field, every node is in each index it belongs to, `links.in` mirrors `links.out`, bundles
    /// name existing nodes and are indexed, counters match their indexes, and the dictionaries
    /// mirror each other. Works on a store opened read-only. Expired nodes that no sweep has
    /// removed yet are checked as the records they still are.
    public func verify() throws -> VerificationReport {
        try read(hidingExpired: false) { try $0.verify() }
    }

    /// Checks one node in one read snapshot; see ``MemoryGraph/verifyNode(_:)``.
    public func verifyNode(_ id: NodeID) throws -> [VerificationProblem]? {
        try read(hidingExpired: false) { try $0.verifyNode(id) }
    }

    /// Rebuilds every secondary index, `links.in`, the bundle indexes, the counters and the
    /// dictionaries from the node and bundle records in one write transaction.
    ///
    /// - Returns: What ``verify()`` found before the repair.
    public func repair() throws -> VerificationReport {
        let found = try verify()
        try ensureWritable()
        // No sweep first: a damaged expiry index must not stop the repair that rebuilds it.
        _ = try writer.perform([WriteRequest(sweepsFirst: false) { store in try store.repair() }])[0].get()
        return found
    }

    /// Copies the store to `destination` while writers keep writing (a hot backup of one
    /// consistent snapshot; wraps `mdb_env_copyfd2`); `compacting` leaves free pages out. The
    /// copy gets the store's ``LMDBConfiguration/fileMode``.
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
        try parts.translatingErrors { try environment.copy(to: destination, compacting: compacting) }
    }

    /// Schema version, counts, every named database's entries, pages and depth, the map, and
    /// reader slots (freeing those of dead processes first), from one snapshot.
    ///
    /// Reader slots are shared by every process using the store; a process killed inside a read
    /// transaction keeps its slot until some process frees it (each open does, and so does a
    /// reader that finds the table full).
    public func status() throws -> StoreStatus {
        let statistics = try statistics()
        return try parts.translatingErrors {
            try environment.checkStaleReaders()
            let readersInUse = try environment.readerSlots().count
            let info = try environment.info()
            let (version, databases, vectorIndex) = try read { store in
                let version = try schema.storedVersion(in: store.txn)
                let databases = try schema.all.map { database in
                    let stat = try store.txn.statistics(of: database)
                    return StoreStatus.DatabaseStatus(
                        name: database.name ?? "", entries: stat.entries, pages: stat.totalPages, depth: stat.depth)
                }
                return (Int(version ?? Schema.version), databases, try? store.vectorIndexParameters())
            }
            return StoreStatus(
                schemaVersion: version, statistics: statistics, databases: databases,
                mapSize: info.mapSize, usedBytes: info.usedBytes, readersInUse: readersInUse,
                maximumReaders: info.maximumReaders, staleReadersFreed: environment.staleReadersFreed,
                vectorIndex: vectorIndex, embeddings: databases.first { $0.name == "vectors" }?.entries ?? 0)
        }
    }

    /// Syncs every commit to disk now, whatever ``LMDBConfiguration/durability`` says (a restore
    /// builds with `noSync` and syncs once at the end).
    func syncToDisk() throws {
        try parts.translatingErrors { try environment.sync(force: true) }
    }
}
