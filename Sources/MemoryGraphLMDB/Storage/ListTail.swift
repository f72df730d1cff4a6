import LMDB

/// The last value of the duplicate list a write is adding to, so that values above it are put
/// with `MDB_APPENDDUP`.
///
/// LMDB splits a full page of a DUPFIXED list in half unless the put says it appends: a list
/// that only ever grows at its end (postings under document numbers given in order, entries of
/// nodes written as they are made) is left with pages half empty. An appended value starts a
/// new page and leaves the last one full. A value that is not above the list's last one is put
/// the ordinary way, so any order of puts is correct; the puts of one key should come one after
/// another, sorted, for the tail to be looked up once.
///
/// Only the puts made through one `ListTail` may add values to its database while it is in use:
/// a greater value put another way would make the next append fail.
struct ListTail {
    private let txn: Transaction
    /// Looks up the last value of each key the puts switch to; its database is the tail's.
    private let cursor: Cursor
    private var key: [UInt8]?
    private var last: [UInt8]?

    /// A tail of the lists of `database`, a ``DatabaseFlags/dupSort`` database, for puts in
    /// `txn`; ``close()`` it when they are done.
    init(of database: Database, in txn: Transaction) throws {
        precondition(database.flags.contains(.dupSort), "a list tail needs a dupSort database")
        self.txn = txn
        cursor = try txn.cursor(database)
    }

    /// Puts `value` in the list under `key` unless it is already there, appending it when it
    /// is above every value of the list.
    ///
    /// - Returns: Whether `key` had no list before.
    @discardableResult
    mutating func put(_ value: [UInt8], under key: [UInt8]) throws -> Bool {
        var isNewKey = false
        if self.key != key {
            self.key = key
            last = try cursor.seek(to: key) && cursor.lastDuplicate() ? cursor.currentValue : nil
            isNewKey = last == nil
        }
        if let last, !last.lexicographicallyPrecedes(value) {
            try txn.put(value, forKey: key, in: cursor.database, flags: .noDuplicateData)
        } else {
            // LMDB orders the values of a DUPFIXED list by their bytes, as this comparison does.
            try txn.put(
                value, forKey: key, in: cursor.database, flags: last == nil ? .noDuplicateData : .appendDuplicate)
            last = value
        }
        return isNewKey
    }

    /// Closes the cursor: LMDB adjusts every open cursor of a database at each of its puts.
    func close() {
        cursor.close()
    }
}
