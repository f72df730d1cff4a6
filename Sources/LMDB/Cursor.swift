internal import CLMDB

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A position in one database of a ``Transaction`` (wraps `MDB_cursor`).
///
/// Each movement returns `true` when the cursor landed on an entry and `false` when there was
/// none (`MDB_NOTFOUND`). The current entry is read without copying inside
/// ``withCurrent(_:)``, or copied with ``currentKey`` / ``currentValue``.
///
/// ```swift
/// let cursor = try txn.cursor(index)
/// var found = try cursor.seek(atLeast: lowerBound)
/// while found {
///     let done = cursor.withCurrent { key, value in /* decode */ false }
///     if done { break }
///     found = try cursor.next()
/// }
/// ```
///
/// Not `Sendable`; valid until its transaction ends or ``close()``.
public final class Cursor {
    /// What a cursor changes as it moves. It lives behind a pointer rather than in stored
    /// `var`s: every access to a class's stored `var` pays a dynamic exclusivity check (a
    /// thread-local lookup), and the key and value are handed to `mdb_cursor_get` on every step
    /// of every read.
    private struct State {
        var handle: OpaquePointer?
        var key = MDB_val()
        var value = MDB_val()
        var isPositioned = false
    }

    private let state: UnsafeMutablePointer<State>
    private let transaction: Transaction
    /// The database the cursor walks.
    public let database: Database

    init(_ handle: OpaquePointer, database: Database, transaction: Transaction) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(handle: handle))
        self.database = database
        self.transaction = transaction
    }

    deinit {
        if let handle = state.pointee.handle, transaction.isReadOnly { mdb_cursor_close(handle) }
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func invalidate(closingHandle: Bool) {
        if closingHandle, let handle = state.pointee.handle { mdb_cursor_close(handle) }
        state.pointee.handle = nil
        state.pointee.isPositioned = false
    }

    /// Closes the cursor before its transaction ends (wraps `mdb_cursor_close`).
    public func close() {
        guard let handle = state.pointee.handle else { return }
        transaction.ensureActive()
        mdb_cursor_close(handle)
        state.pointee.handle = nil
        state.pointee.isPositioned = false
    }

    private var isPositioned: Bool { state.pointee.isPositioned }

    private func activeHandle() -> OpaquePointer {
        transaction.ensureActive()
        guard let handle = state.pointee.handle else { preconditionFailure("an LMDB cursor was used after close()") }
        return handle
    }

    private func move(_ operation: MDB_cursor_op) throws(LMDBError) -> Bool {
        let rc = mdb_cursor_get(activeHandle(), &state.pointee.key, &state.pointee.value, operation)
        return try settle(rc, operation)
    }

    private func settle(_ rc: Int32, _ operation: MDB_cursor_op) throws(LMDBError) -> Bool {
        if rc == MDB_NOTFOUND {
            state.pointee.isPositioned = false
            return false
        }
        try transaction.record(rc, "mdb_cursor_get(\(database), op \(operation.rawValue))")
        state.pointee.isPositioned = true
        return true
    }

    /// Positions at `probe` with `operation`, then re-reads the entry so the key and value point
    /// into the database rather than at the caller's bytes.
    private func seek(
        _ operation: MDB_cursor_op, key probe: some ContiguousBytes,
        value probeValue: (some ContiguousBytes)?
    ) throws(LMDBError) -> Bool {
        let cursor = activeHandle()
        let rc = probe.withUnsafeBytes { keyBytes in
            var searchKey = MDB_val(keyBytes)
            guard let probeValue else {
                return mdb_cursor_get(cursor, &searchKey, &state.pointee.value, operation)
            }
            return probeValue.withUnsafeBytes { valueBytes in
                var searchValue = MDB_val(valueBytes)
                return mdb_cursor_get(cursor, &searchKey, &searchValue, operation)
            }
        }
        guard try settle(rc, operation) else { return false }
        return try move(MDB_GET_CURRENT)
    }

    /// Moves to the first entry.
    @discardableResult public func first() throws(LMDBError) -> Bool { try move(MDB_FIRST) }
    /// Moves to the last entry (the last duplicate of the last key).
    @discardableResult public func last() throws(LMDBError) -> Bool { try move(MDB_LAST) }
    /// Moves to the next entry (the next duplicate, then the next key).
    @discardableResult public func next() throws(LMDBError) -> Bool { try move(MDB_NEXT) }
    /// Moves to the previous entry.
    @discardableResult public func previous() throws(LMDBError) -> Bool { try move(MDB_PREV) }
    /// Moves to the next duplicate of the current key; `false` after the last one.
    @discardableResult public func nextDuplicate() throws(LMDBError) -> Bool { try move(MDB_NEXT_DUP) }
    /// Moves to the previous duplicate of the current key; `false` before the first one.
    @discardableResult public func previousDuplicate() throws(LMDBError) -> Bool { try move(MDB_PREV_DUP) }
    /// Moves to the first duplicate of the current key.
    @discardableResult public func firstDuplicate() throws(LMDBError) -> Bool { try move(MDB_FIRST_DUP) }
    /// Moves to the last duplicate of the current key.
    @discardableResult public func lastDuplicate() throws(LMDBError) -> Bool { try move(MDB_LAST_DUP) }
    /// Moves to the first duplicate of the next key.
    @discardableResult public func nextKey() throws(LMDBError) -> Bool { try move(MDB_NEXT_NODUP) }
    /// Moves to the last duplicate of the previous key.
    @discardableResult public func previousKey() throws(LMDBError) -> Bool { try move(MDB_PREV_NODUP) }

    /// Moves to `key` exactly (its first duplicate); `false` when absent.
    @discardableResult
    public func seek(to key: some ContiguousBytes) throws(LMDBError) -> Bool {
        try seek(MDB_SET_KEY, key: key, value: [UInt8]?.none)
    }

    /// Moves to the first key greater than or equal to `key`; `false` when there is none.
    @discardableResult
    public func seek(atLeast key: some ContiguousBytes) throws(LMDBError) -> Bool {
        try seek(MDB_SET_RANGE, key: key, value: [UInt8]?.none)
    }

    /// Moves to the duplicate `value` of `key` exactly; `false` when that pair is absent.
    @discardableResult
    public func seek(to key: some ContiguousBytes, duplicate value: some ContiguousBytes) throws(LMDBError) -> Bool {
        try seek(MDB_GET_BOTH, key: key, value: value)
    }

    /// Moves to the first duplicate of `key` greater than or equal to `value`
    /// (`MDB_GET_BOTH_RANGE`); `false` when there is none.
    @discardableResult
    public func seek(to key: some ContiguousBytes, duplicateAtLeast value: some ContiguousBytes) throws(LMDBError)
        -> Bool
    {
        try seek(MDB_GET_BOTH_RANGE, key: key, value: value)
    }

    /// Whether the cursor stands on an entry.
    public var hasCurrent: Bool { isPositioned }

    /// Calls `body` with the current key and value, without copying. The bytes are valid only
    /// inside `body` and only 2-byte aligned (read with `loadUnaligned`).
    ///
    /// Precondition: the last movement returned `true`.
    public func withCurrent<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R)
        rethrows -> R
    {
        transaction.ensureActive()
        precondition(isPositioned, "the cursor does not stand on an entry")
        return try body(UnsafeRawBufferPointer(state.pointee.key), UnsafeRawBufferPointer(state.pointee.value))
    }

    /// A copy of the current key.
    public var currentKey: [UInt8] { withCurrent { key, _ in Array(key) } }
    /// A copy of the current value.
    public var currentValue: [UInt8] { withCurrent { _, value in Array(value) } }

    /// The number of duplicates of the current key (wraps `mdb_cursor_count`).
    public func duplicateCount() throws(LMDBError) -> Int {
        precondition(isPositioned, "the cursor does not stand on an entry")
        var count = 0
        try transaction.record(mdb_cursor_count(activeHandle(), &count), "mdb_cursor_count(\(database))")
        return count
    }

    /// Reads every duplicate of the current key in pages, for ``DatabaseFlags/dupFixed``
    /// databases (`MDB_GET_MULTIPLE`, then `MDB_NEXT_MULTIPLE`). `body` gets the packed
    /// fixed-size values of one page, in order, and returns `false` to stop.
    ///
    /// Call it right after positioning on the key (``seek(to:)``): LMDB returns whole pages, so
    /// the first batch starts at the beginning of the page that holds the current duplicate.
    public func forEachDuplicateBatch(_ body: (UnsafeRawBufferPointer) throws -> Bool) throws {
        precondition(isPositioned, "the cursor does not stand on an entry")
        precondition(database.flags.contains(.dupFixed), "bulk reads need a dupFixed database")
        let cursor = activeHandle()
        var batch = MDB_val(mv_size: 0, mv_data: nil)
        var rc = mdb_cursor_get(cursor, &state.pointee.key, &batch, MDB_GET_MULTIPLE)
        if rc == MDB_SUCCESS && batch.mv_size == 0 {
            // A key with a single value has no duplicate page; LMDB returns nothing for it.
            _ = try body(UnsafeRawBufferPointer(state.pointee.value))
            return
        }
        while rc == MDB_SUCCESS {
            guard try body(UnsafeRawBufferPointer(batch)) else { return }
            rc = mdb_cursor_get(cursor, &state.pointee.key, &batch, MDB_NEXT_MULTIPLE)
        }
        if rc != MDB_NOTFOUND { try transaction.record(rc, "mdb_cursor_get(\(database), multiple)") }
        state.pointee.isPositioned = false
    }

    /// Deletes the current entry (wraps `mdb_cursor_del`).
    ///
    /// - Parameter allDuplicates: In a ``DatabaseFlags/dupSort`` database, delete every duplicate
    ///   of the current key (`MDB_NODUPDATA`).
    public func deleteCurrent(allDuplicates: Bool = false) throws(LMDBError) {
        precondition(isPositioned, "the cursor does not stand on an entry")
        let flags: UInt32 = allDuplicates ? UInt32(MDB_NODUPDATA) : 0
        try transaction.record(mdb_cursor_del(activeHandle(), flags), "mdb_cursor_del(\(database))")
    }
}
