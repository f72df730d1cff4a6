import LMDB

/// The greatest key of one database during a write, so that keys above it are put with
/// `MDB_APPEND`.
///
/// An ordinary put that overflows the last page splits it, and even with LMDB's bias for
/// sequential inserts a page of large values (node records take hundreds of bytes) is left
/// partly empty: 2 000 nodes written one a commit took 241 leaf pages of `nodes` where 205 hold
/// them. An appended key starts a new page and leaves the last one full (215 pages). Small
/// entries gain nothing: LMDB already packs them when they arrive in order.
///
/// Only the puts made through one `LastKey` may add keys to its database while it is in use: a
/// greater key put another way would make the next append fail.
struct LastKey {
    private var greatest: [UInt8]?

    /// The last key of `database` in `txn` now.
    init(of database: Database, in txn: Transaction) throws {
        let cursor = try txn.cursor(database)
        defer { cursor.close() }
        greatest = try cursor.last() ? cursor.currentKey : nil
    }

    /// `flags` with ``PutFlags/append`` when `key` is above every key of the database, which it
    /// then becomes; the caller puts `key` with them.
    mutating func flags(toPut key: [UInt8], _ flags: PutFlags = []) -> PutFlags {
        guard greatest.map({ $0.lexicographicallyPrecedes(key) }) ?? true else { return flags }
        greatest = key
        return flags.union(.append)
    }
}
