internal import CLMDB

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A read-only or read-write LMDB transaction, valid only inside the closure given to
/// ``Environment/read(_:)`` or ``Environment/write(_:)``.
///
/// Keys and values are any `ContiguousBytes` (`[UInt8]`, `Data`, raw buffers, or your own
/// fixed-width key types). Reads are zero-copy inside a closure (``withValue(forKey:in:_:)``)
/// or copying (``get(_:in:)``). Using a transaction after its closure returned is a programming
/// error and stops the process.
///
/// Not `Sendable`: a transaction belongs to the closure that received it.
public final class Transaction {
    let pointer: OpaquePointer
    /// Whether this is a read-only transaction.
    public let isReadOnly: Bool
    private var isActive = true
    private var cursors: [Cursor] = []
    /// The first LMDB failure that poisoned the transaction (anything but not-found/key-exists).
    private(set) var failure: LMDBError?

    init(_ pointer: OpaquePointer, readOnly: Bool) {
        self.pointer = pointer
        self.isReadOnly = readOnly
    }

    /// Ends the transaction's life as seen from Swift: closes or forgets its cursors.
    func finish() {
        for cursor in cursors { cursor.invalidate(closingHandle: isReadOnly) }
        cursors.removeAll()
        isActive = false
    }

    @inline(__always)
    func ensureActive() {
        precondition(isActive, "an LMDB transaction was used after its closure returned")
    }

    /// Throws for a failed LMDB call and remembers failures that poison the transaction.
    @inline(__always)
    func record(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        guard rc != MDB_SUCCESS else { return }
        let error = LMDBError(returnCode: rc, operation: operation())
        if rc != MDB_NOTFOUND && rc != MDB_KEYEXIST && failure == nil { failure = error }
        throw error
    }

    /// The transaction's id (wraps `mdb_txn_id`): for a read transaction, the id of the snapshot.
    public var id: Int {
        ensureActive()
        return mdb_txn_id(pointer)
    }

    /// Runs `body` in a transaction nested in this write transaction (wraps `mdb_txn_begin` with
    /// this one as parent): its changes join this transaction when `body` returns and are
    /// discarded when it throws, leaving this transaction as it was. Use only the nested
    /// transaction inside `body`.
    ///
    /// A full map inside the nested transaction fails this one too, so the whole write is
    /// retried after the map grows.
    public func nested<R>(_ body: (Transaction) throws -> R) throws -> R {
        ensureActive()
        precondition(!isReadOnly, "only a write transaction can have nested transactions")
        var childPointer: OpaquePointer?
        try record(mdb_txn_begin(mdb_txn_env(pointer), pointer, 0, &childPointer), "mdb_txn_begin(nested)")
        guard let childPointer else {
            throw LMDBError(code: .badTransaction, message: "no transaction returned", operation: "mdb_txn_begin")
        }
        let child = Transaction(childPointer, readOnly: false)
        isActive = false
        defer { isActive = true }
        let result: R
        do {
            result = try body(child)
            if let failure = child.failure { throw failure }
        } catch {
            if child.failure?.code == .mapFull, failure == nil { failure = child.failure }
            child.finish()
            mdb_txn_abort(childPointer)
            throw error
        }
        child.finish()
        let rc = mdb_txn_commit(childPointer)
        if rc != MDB_SUCCESS {
            let error = LMDBError(returnCode: rc, operation: "mdb_txn_commit(nested)")
            if failure == nil { failure = error }
            throw error
        }
        return result
    }

    func openDatabase(_ name: String?, flags: DatabaseFlags) throws(LMDBError) -> Database {
        ensureActive()
        var handle: MDB_dbi = 0
        let rc: Int32
        if let name {
            rc = mdb_dbi_open(pointer, name, flags.rawValue, &handle)
        } else {
            rc = mdb_dbi_open(pointer, nil, flags.rawValue, &handle)
        }
        if rc == MDB_NOTFOUND {
            throw LMDBError(
                code: .notFound,
                message: "the database \(name ?? "(main)") does not exist; open it with .create",
                operation: "mdb_dbi_open")
        }
        try record(rc, "mdb_dbi_open(\(name ?? "(main)"))")
        return Database(handle: handle, name: name, flags: flags.subtracting(.create))
    }

    // MARK: Point access

    /// Calls `body` with the value stored under `key` (the first duplicate in a
    /// ``DatabaseFlags/dupSort`` database), or `nil`, without copying (wraps `mdb_get`).
    ///
    /// The bytes are valid only inside `body`, and only 2-byte aligned: read with `loadUnaligned`.
    public func withValue<R>(
        forKey key: some ContiguousBytes, in database: Database,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        ensureActive()
        var data = MDB_val()
        let rc = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(keyBytes)
            return mdb_get(pointer, database.handle, &keyValue, &data)
        }
        if rc == MDB_NOTFOUND { return try body(nil) }
        try record(rc, "mdb_get(\(database))")
        return try body(UnsafeRawBufferPointer(data))
    }

    /// A copy of the value stored under `key`, or `nil`.
    public func get(_ key: some ContiguousBytes, in database: Database) throws -> [UInt8]? {
        try withValue(forKey: key, in: database) { bytes in bytes.map { Array($0) } }
    }

    /// Whether `key` is present.
    public func contains(_ key: some ContiguousBytes, in database: Database) throws -> Bool {
        try withValue(forKey: key, in: database) { $0 != nil }
    }

    /// Stores `value` under `key` (wraps `mdb_put`).
    ///
    /// - Returns: `false` when ``PutFlags/noOverwrite`` or ``PutFlags/noDuplicateData`` kept an
    ///   existing entry; `true` otherwise.
    /// - Throws: ``LMDBError`` — e.g. ``LMDBError/Code/badValueSize`` for an empty or too long key.
    @discardableResult
    public func put(
        _ value: some ContiguousBytes, forKey key: some ContiguousBytes, in database: Database,
        flags: PutFlags = []
    ) throws -> Bool {
        ensureActive()
        let rc = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(keyBytes)
                var dataValue = MDB_val(valueBytes)
                return mdb_put(pointer, database.handle, &keyValue, &dataValue, flags.rawValue)
            }
        }
        if rc == MDB_KEYEXIST
            && !flags.isDisjoint(with: [.noOverwrite, .noDuplicateData])
            && !flags.contains(.append) && !flags.contains(.appendDuplicate)
        {
            return false
        }
        try record(rc, "mdb_put(\(database))")
        return true
    }

    /// Deletes `key` and, in a ``DatabaseFlags/dupSort`` database, all its duplicates
    /// (wraps `mdb_del`).
    ///
    /// - Returns: `false` when the key was not present.
    @discardableResult
    public func delete(_ key: some ContiguousBytes, in database: Database) throws -> Bool {
        ensureActive()
        let rc = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(keyBytes)
            return mdb_del(pointer, database.handle, &keyValue, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try record(rc, "mdb_del(\(database))")
        return true
    }

    /// Deletes one duplicate `value` of `key` in a ``DatabaseFlags/dupSort`` database.
    ///
    /// - Returns: `false` when that pair was not present.
    @discardableResult
    public func delete(
        _ key: some ContiguousBytes, value: some ContiguousBytes, in database: Database
    ) throws -> Bool {
        ensureActive()
        let rc = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(keyBytes)
                var dataValue = MDB_val(valueBytes)
                return mdb_del(pointer, database.handle, &keyValue, &dataValue)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        try record(rc, "mdb_del(\(database))")
        return true
    }

    /// Removes every entry of `database`, keeping the database (wraps `mdb_drop(…, 0)`).
    public func removeAll(in database: Database) throws {
        ensureActive()
        try record(mdb_drop(pointer, database.handle, 0), "mdb_drop(\(database))")
    }

    /// B-tree statistics of `database` as this transaction sees it (wraps `mdb_stat`).
    public func statistics(of database: Database) throws -> DatabaseStatistics {
        ensureActive()
        var stat = MDB_stat()
        try record(mdb_stat(pointer, database.handle, &stat), "mdb_stat(\(database))")
        return DatabaseStatistics(stat)
    }

    // MARK: Cursors

    /// Opens a cursor on `database` (wraps `mdb_cursor_open`). It is closed when the transaction
    /// ends, or earlier with ``Cursor/close()``.
    public func cursor(_ database: Database) throws -> Cursor {
        ensureActive()
        var handle: OpaquePointer?
        try record(mdb_cursor_open(pointer, database.handle, &handle), "mdb_cursor_open(\(database))")
        guard let handle else {
            throw LMDBError(code: .badTransaction, message: "no cursor returned", operation: "mdb_cursor_open")
        }
        let cursor = Cursor(handle, database: database, transaction: self)
        cursors.append(cursor)
        return cursor
    }

    /// The number of duplicates stored under `key` (0 when absent; 1 in a database without
    /// ``DatabaseFlags/dupSort``), from `mdb_cursor_count`.
    public func count(duplicatesOf key: some ContiguousBytes, in database: Database) throws -> Int {
        let cursor = try self.cursor(database)
        defer { cursor.close() }
        guard try cursor.seek(to: key) else { return 0 }
        return database.flags.contains(.dupSort) ? try cursor.duplicateCount() : 1
    }
}

extension MDB_val {
    /// Borrows `bytes` for one LMDB call.
    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes an `MDB_val` points to.
    @inline(__always)
    init(_ value: MDB_val) {
        self.init(start: value.mv_data, count: value.mv_size)
    }
}
