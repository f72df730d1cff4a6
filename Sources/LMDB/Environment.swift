internal import CLMDB
import Dispatch
import Synchronization

import struct NIOConcurrencyHelpers.NIOLock
import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// Open it once per process with ``open(path:options:)``, open its named databases at start-up,
/// then read and write through closure-scoped transactions:
///
/// ```swift
/// let environment = try Environment.open(path: "/tmp/store")
/// let users = try environment.openDatabase("users", flags: .create)
/// try environment.write { txn in
///     try txn.put(Array("Ada".utf8), forKey: Array("u1".utf8), in: users)
/// }
/// let name = try environment.read { txn in try txn.get(Array("u1".utf8), in: users) }
/// ```
///
/// - Reads run on the calling thread in pooled read-only transactions (`MDB_NOTLS`,
///   `mdb_txn_reset`/`mdb_txn_renew`); any number run at once and never wait for the writer.
/// - Writes run one at a time, on the calling thread under a lock; the closure runs
///   synchronously and the transaction begins and commits on the same thread, so it can never
///   cross an `await`.
/// - When a write needs more room than the map has, the transaction is aborted, every transaction
///   of the process is paused, the map doubles (up to ``Options/maximumMapSize``) and the closure
///   runs again. A map grown by another process is adopted the same way.
public final class Environment: Sendable {
    /// The directory of the environment, as given to ``open(path:options:)``.
    public let path: String
    /// The options the environment was opened with.
    public let options: Options

    let handle: EnvironmentHandle
    let gate = TransactionGate()
    private let readPool = NIOLockedValueBox<[TransactionHandle]>([])
    /// Held for the whole of a write transaction: one writer of this process at a time (LMDB's
    /// own writer lock keeps other processes out). Without it, a thread waiting in
    /// `mdb_txn_begin` for the writer lock would hold ``gate`` while the writer needs exclusive
    /// access to grow the map.
    private let writerLock = NIOLock()
    /// The thread inside ``write(_:)``, to refuse a nested call instead of deadlocking.
    private let writingThread = Atomic<UInt>(0)
    private let identity: FileIdentity
    private let currentMapSize: Atomic<Int>
    private let writeCount = Atomic<Int>(0)
    private let freedStaleReaders: Atomic<Int>

    private init(
        path: String, options: Options, handle: EnvironmentHandle, identity: FileIdentity, staleReadersFreed: Int
    ) {
        self.path = path
        self.options = options
        self.handle = handle
        self.identity = identity
        self.freedStaleReaders = Atomic(staleReadersFreed)
        self.currentMapSize = Atomic(options.mapSize)
    }

    deinit {
        close()
    }

    /// Opens (or creates) the environment in the directory `path`.
    ///
    /// Always uses `MDB_NOTLS`. Runs `mdb_reader_check` to free the reader slots of crashed
    /// processes. A second open of the same directory in this process is shared or refused
    /// according to ``Options/sharing``.
    ///
    /// - Throws: ``LMDBError`` with ``LMDBError/Code/noSuchFile`` (a read-only open of a missing
    ///   path), ``LMDBError/Code/invalid`` (not an LMDB environment),
    ///   ``LMDBError/Code/alreadyOpen``, ``LMDBError/Code/permissionDenied``, and so on; the
    ///   message names the path.
    public static func open(path: String, options: Options = Options()) throws(LMDBError) -> Environment {
        try validate(options)
        if !options.readOnly && options.createDirectory {
            try createDirectoryIfMissing(path, mode: options.directoryMode)
        }
        return try EnvironmentRegistry.shared.open(path: path, options: options) {
            identity throws(LMDBError) in
            let (handle, freed) = try EnvironmentHandle.open(path: path, options: options)
            return Environment(
                path: path, options: options, handle: handle, identity: identity, staleReadersFreed: freed)
        }
    }

    private static func validate(_ options: Options) throws(LMDBError) {
        func invalid(_ message: String) -> LMDBError {
            LMDBError(code: .invalidArgument, message: message, operation: "Environment.open")
        }
        guard options.mapSize > 0 else { throw invalid("mapSize must be positive, got \(options.mapSize)") }
        guard options.maximumMapSize >= options.mapSize else {
            throw invalid(
                "maximumMapSize (\(options.maximumMapSize)) must be at least mapSize (\(options.mapSize))")
        }
        guard options.maximumDatabases >= 0 else {
            throw invalid("maximumDatabases must not be negative, got \(options.maximumDatabases)")
        }
        guard options.maximumReaders > 0 else {
            throw invalid("maximumReaders must be positive, got \(options.maximumReaders)")
        }
    }

    private static func createDirectoryIfMissing(_ path: String, mode: UInt32) throws(LMDBError) {
        if mkdir(path, mode_t(mode)) != 0 && errno != EEXIST {
            let code = errno
            throw LMDBError(
                returnCode: code, operation: "Environment.open",
                detail: "cannot create the directory \(path)")
        }
    }

    // MARK: Databases

    /// Opens (or, with ``DatabaseFlags/create``, creates) a named database in its own committed
    /// transaction. Call it at start-up, before other threads use the environment.
    ///
    /// - Parameter name: The database's name, or `nil` for the main database.
    /// - Throws: ``LMDBError`` — ``LMDBError/Code/notFound`` when it does not exist and `.create`
    ///   was not given; ``LMDBError/Code/databasesFull`` past ``Options/maximumDatabases``.
    public func openDatabase(_ name: String?, flags: DatabaseFlags = []) throws -> Database {
        try openDatabases([(name, flags)])[0]
    }

    /// Opens several named databases in one committed transaction (wraps `mdb_dbi_open`).
    ///
    /// In a read-only environment the transaction is read-only and ``DatabaseFlags/create`` is
    /// ignored.
    public func openDatabases(_ specifications: [(name: String?, flags: DatabaseFlags)]) throws -> [Database] {
        let body = { (txn: Transaction) throws -> [Database] in
            try specifications.map { spec in
                var flags = spec.flags
                if self.options.readOnly { flags.remove(.create) }
                return try txn.openDatabase(spec.name, flags: flags)
            }
        }
        if options.readOnly {
            return try runReadTransaction(commit: true, body)
        }
        return try write(body)
    }

    // MARK: Transactions

    /// Runs `body` in a read-only snapshot and returns its result.
    ///
    /// The transaction comes from a pool (`mdb_txn_renew`) and goes back to it (`mdb_txn_reset`)
    /// when `body` returns. Keep `body` short: a snapshot pins the pages it sees. Do not start
    /// another transaction of the same environment inside `body`.
    ///
    /// - Throws: What `body` throws, or an ``LMDBError``.
    @discardableResult
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try runReadTransaction(commit: false, body)
    }

    private func runReadTransaction<R>(commit: Bool, _ body: (Transaction) throws -> R) throws -> R {
        var checkedReaders = false
        while true {
            try gate.enter()
            let pointer: TransactionHandle
            do {
                pointer = try acquireReadTransaction()
            } catch let error where error.code == .mapResized {
                gate.leave()
                try adoptMapSizeFromOtherProcess()
                continue
            } catch let error where error.code == .readersFull && !checkedReaders {
                gate.leave()
                checkedReaders = true
                try checkStaleReaders()
                continue
            } catch {
                gate.leave()
                throw error
            }
            defer { gate.leave() }
            let txn = Transaction(pointer.pointer, readOnly: true)
            let result: R
            do {
                result = try body(txn)
            } catch {
                txn.finish()
                if commit {
                    mdb_txn_abort(pointer.pointer)
                } else {
                    mdb_txn_reset(pointer.pointer)
                    readPool.withLockedValue { $0.append(pointer) }
                }
                throw error
            }
            txn.finish()
            if commit {
                try check(mdb_txn_commit(pointer.pointer), "mdb_txn_commit")
            } else {
                mdb_txn_reset(pointer.pointer)
                readPool.withLockedValue { $0.append(pointer) }
            }
            return result
        }
    }

    private func acquireReadTransaction() throws(LMDBError) -> TransactionHandle {
        if let pooled = readPool.withLockedValue({ $0.popLast() }) {
            let rc = mdb_txn_renew(pooled.pointer)
            if rc == MDB_SUCCESS { return pooled }
            mdb_txn_abort(pooled.pointer)
            throw LMDBError(returnCode: rc, operation: "mdb_txn_renew")
        }
        var pointer: OpaquePointer?
        try check(
            mdb_txn_begin(handle.pointer, nil, UInt32(MDB_RDONLY), &pointer), "mdb_txn_begin(read-only)")
        guard let pointer else {
            throw LMDBError(code: .badTransaction, message: "no transaction returned", operation: "mdb_txn_begin")
        }
        return TransactionHandle(pointer: pointer)
    }

    /// Runs `body` in the write transaction and commits when it returns; aborts when it throws.
    ///
    /// Writes of this process take turns on a lock (one writer at a time, as LMDB requires) and
    /// run on the calling thread, so the transaction begins and ends on one thread; MemoryGraph's
    /// single writer queue is the only caller there, so the lock is never contended. `body` may run more than once: when the map is
    /// full it is aborted, the map grows and `body` runs again, so it must not have effects outside
    /// the transaction before it returns. A transaction in which an LMDB call failed (other than
    /// "not found"/"key exists") is never committed, even if `body` caught the error.
    ///
    /// Do not call `write` from inside `body` (a precondition).
    ///
    /// - Throws: What `body` throws, or an ``LMDBError`` — ``LMDBError/Code/mapFull`` when the map
    ///   cannot grow past ``Options/maximumMapSize`` (nothing of the transaction is written).
    @discardableResult
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        #if canImport(Darwin)
            let thread = UInt(bitPattern: pthread_self())
        #else
            let thread = UInt(pthread_self())
        #endif
        precondition(writingThread.load(ordering: .relaxed) != thread, "Environment.write called inside a write")
        return try writerLock.withLock {
            writingThread.store(thread, ordering: .relaxed)
            defer { writingThread.store(0, ordering: .relaxed) }
            while true {
                do {
                    return try attemptWrite(body)
                } catch let failure as WriteRetry {
                    switch failure {
                    case .mapFull: try growMap()
                    case .mapResized: try adoptMapSizeFromOtherProcess()
                    }
                }
            }
        }
    }

    private enum WriteRetry: Error { case mapFull, mapResized }

    private func attemptWrite<R>(_ body: (Transaction) throws -> R) throws -> R {
        try gate.enter()
        defer { gate.leave() }
        var pointer: OpaquePointer?
        let beginCode = mdb_txn_begin(handle.pointer, nil, 0, &pointer)
        if beginCode == MDB_MAP_RESIZED { throw WriteRetry.mapResized }
        try check(beginCode, "mdb_txn_begin")
        guard let pointer else {
            throw LMDBError(code: .badTransaction, message: "no transaction returned", operation: "mdb_txn_begin")
        }
        let txn = Transaction(pointer, readOnly: false)
        let result: R
        do {
            result = try body(txn)
            if let failure = txn.failure { throw failure }
        } catch {
            let mapWasFull = txn.failure?.code == .mapFull
            txn.finish()
            mdb_txn_abort(pointer)
            if mapWasFull { throw WriteRetry.mapFull }
            throw error
        }
        txn.finish()
        let commitCode = mdb_txn_commit(pointer)
        if commitCode == MDB_MAP_FULL { throw WriteRetry.mapFull }
        try check(commitCode, "mdb_txn_commit")
        writeCount.add(1, ordering: .relaxed)
        return result
    }

    /// The number of write transactions this instance committed.
    public var committedWriteTransactions: Int { writeCount.load(ordering: .relaxed) }

    // MARK: Map size

    private func growMap() throws {
        let current = currentMapSize.load(ordering: .relaxed)
        guard current < options.maximumMapSize else {
            throw LMDBError(
                code: .mapFull,
                message:
                    "the map is full at its maximum size of \(options.maximumMapSize) bytes; "
                    + "raise maximumMapSize or remove data (nothing of this write was stored)",
                operation: "Environment.write")
        }
        let target = min(max(current, 1 << 20) * 2, options.maximumMapSize)
        let rc = gate.withExclusiveAccess { mdb_env_set_mapsize(handle.pointer, target) }
        try check(rc, "mdb_env_set_mapsize")
        currentMapSize.store(try info().mapSize, ordering: .relaxed)
    }

    private func adoptMapSizeFromOtherProcess() throws {
        let rc = gate.withExclusiveAccess { mdb_env_set_mapsize(handle.pointer, 0) }
        try check(rc, "mdb_env_set_mapsize(0)")
        currentMapSize.store(try info().mapSize, ordering: .relaxed)
    }

    // MARK: Maintenance

    /// Writes a consistent copy of the environment to `destination/data.mdb` while readers and
    /// writers go on (wraps `mdb_env_copyfd2`), then syncs it. The directory must exist; the
    /// file must not. It is created with ``Options/fileMode`` and never through a symbolic link.
    ///
    /// - Parameter compacting: Omit free pages and renumber pages (`MDB_CP_COMPACT`), producing a
    ///   smaller file; slower.
    public func copy(to destination: String, compacting: Bool = false) throws {
        let file = destination + "/data.mdb"
        let descriptor = createNewFile(file, mode: options.fileMode)
        guard descriptor >= 0 else {
            throw LMDBError(returnCode: errno, operation: "Environment.copy", detail: "cannot create \(file)")
        }
        var copied = false
        defer {
            closeFile(descriptor)
            if !copied { unlink(file) }
        }
        try gate.enter()
        defer { gate.leave() }
        try check(
            mdb_env_copyfd2(handle.pointer, descriptor, compacting ? UInt32(MDB_CP_COMPACT) : 0),
            "mdb_env_copyfd2(\(file))")
        if fsync(descriptor) != 0 {
            throw LMDBError(returnCode: errno, operation: "Environment.copy", detail: "cannot sync \(file)")
        }
        copied = true
    }

    /// Facts about the environment (wraps `mdb_env_info`).
    ///
    /// - Throws: ``LMDBError/Code/closed`` once the environment is closed.
    public func info() throws(LMDBError) -> EnvironmentInfo {
        try gate.enter()
        defer { gate.leave() }
        return try EnvironmentInfo(handle.pointer)
    }

    /// The id of the last committed transaction, by any process (from `mdb_env_info`, without
    /// starting a transaction). Safe against a concurrent ``close()``, like a transaction.
    ///
    /// - Throws: ``LMDBError/Code/closed`` once the environment is closed.
    public func lastCommittedTransaction() throws(LMDBError) -> Int {
        try gate.enter()
        defer { gate.leave() }
        var raw = MDB_envinfo()
        try check(mdb_env_info(handle.pointer, &raw), "mdb_env_info")
        return raw.me_last_txnid
    }

    /// Statistics of the main database tree (wraps `mdb_env_stat`).
    ///
    /// - Throws: ``LMDBError/Code/closed`` once the environment is closed.
    public func statistics() throws(LMDBError) -> DatabaseStatistics {
        try gate.enter()
        defer { gate.leave() }
        var stat = MDB_stat()
        try check(mdb_env_stat(handle.pointer, &stat), "mdb_env_stat")
        return DatabaseStatistics(stat)
    }

    /// Flushes buffers to disk (wraps `mdb_env_sync`). Needed only with ``Durability/noSync`` or
    /// ``Durability/noMetaSync``.
    ///
    /// - Parameter force: Sync even when the environment was opened with a relaxed durability.
    public func sync(force: Bool = true) throws(LMDBError) {
        try check(mdb_env_sync(handle.pointer, force ? 1 : 0), "mdb_env_sync")
    }

    /// The durability the open environment actually runs with, read back from LMDB's flags
    /// (wraps `mdb_env_get_flags`).
    public func activeDurability() throws(LMDBError) -> Durability {
        var flags: UInt32 = 0
        try check(mdb_env_get_flags(handle.pointer, &flags), "mdb_env_get_flags")
        if flags & UInt32(MDB_NOSYNC) != 0 { return .noSync }
        if flags & UInt32(MDB_NOMETASYNC) != 0 { return .noMetaSync }
        return .full
    }

    /// Frees the reader slots of processes that died (wraps `mdb_reader_check`) and returns how
    /// many were freed. Runs at open and when a reader finds the table full.
    ///
    /// - Throws: ``LMDBError/Code/closed`` after ``close()``.
    @discardableResult
    public func checkStaleReaders() throws(LMDBError) -> Int {
        try gate.enter()
        defer { gate.leave() }
        var dead: Int32 = 0
        try check(mdb_reader_check(handle.pointer, &dead), "mdb_reader_check")
        freedStaleReaders.add(Int(dead), ordering: .relaxed)
        return Int(dead)
    }

    /// The reader slots of dead processes this instance freed since it opened: at open, when a
    /// reader found the table full, and in ``checkStaleReaders()``.
    public var staleReadersFreed: Int { freedStaleReaders.load(ordering: .relaxed) }

    /// The largest key LMDB accepts, in bytes (511 for the Debian build).
    public var maximumKeySize: Int { Int(mdb_env_get_maxkeysize(handle.pointer)) }

    /// Whether ``close()`` ran.
    public var isClosed: Bool { gate.isClosed }

    /// Waits for the transactions in flight, then closes the environment (wraps `mdb_env_close`).
    /// Later transactions fail with ``LMDBError/Code/closed``. Calling it twice is harmless.
    public func close() {
        EnvironmentRegistry.shared.remove(identity, ifIdentical: ObjectIdentifier(self)) {
            _ = gate.close {
                for pooled in readPool.withLockedValue({ pool in
                    defer { pool.removeAll() }; return pool
                }) {
                    mdb_txn_abort(pooled.pointer)
                }
                mdb_env_close(handle.pointer)
            }
        }
    }
}

extension EnvironmentInfo {
    /// The facts about the open environment `pointer` (`mdb_env_info` and `mdb_env_stat`).
    init(_ pointer: OpaquePointer) throws(LMDBError) {
        var raw = MDB_envinfo()
        try check(mdb_env_info(pointer, &raw), "mdb_env_info")
        var stat = MDB_stat()
        try check(mdb_env_stat(pointer, &stat), "mdb_env_stat")
        self.init(
            mapSize: raw.me_mapsize, lastPageNumber: raw.me_last_pgno,
            lastTransactionID: raw.me_last_txnid, maximumReaders: Int(raw.me_maxreaders),
            readersUsed: Int(raw.me_numreaders), pageSize: Int(stat.ms_psize))
    }
}

extension DatabaseStatistics {
    init(_ stat: MDB_stat) {
        self.init(
            pageSize: Int(stat.ms_psize), depth: Int(stat.ms_depth),
            branchPages: stat.ms_branch_pages, leafPages: stat.ms_leaf_pages,
            overflowPages: stat.ms_overflow_pages, entries: stat.ms_entries)
    }
}

/// Creates `path` for writing; fails when it exists or is a symbolic link. Returns -1 and sets
/// `errno` on failure.
private func createNewFile(_ path: String, mode: UInt32) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
}

private func closeFile(_ descriptor: Int32) {
    close(descriptor)
}
