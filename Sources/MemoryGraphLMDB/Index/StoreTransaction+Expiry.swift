import LMDB
import MemoryGraphCore

/// Expiry: `idx.expiry` lists every node that expires, soonest first. Reads leave out the nodes
/// whose time has come; each write transaction first removes those due, and so does the
/// background sweep when nothing is written.
extension StoreTransaction {
    /// The `idx.expiry` key of node `id` expiring at `time`.
    static func expiryKey(_ id: NodeID, at time: Microseconds) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(24)
        key.appendBigEndian(time.sortable)
        key += id.bytes
        return key
    }

    /// Lists node `id` as expiring at `time`.
    func fileExpiry(of id: NodeID, at time: Microseconds) throws {
        guard let byExpiry = schema.byExpiry else { return }
        try txn.put([UInt8](), forKey: Self.expiryKey(id, at: time), in: byExpiry)
    }

    /// Removes node `id`'s listing at `time`.
    func unfileExpiry(of id: NodeID, at time: Microseconds) throws {
        guard let byExpiry = schema.byExpiry else { return }
        _ = try txn.delete(Self.expiryKey(id, at: time), in: byExpiry)
    }

    /// The nodes whose expiry is at or before `now`, soonest first, at most `limit`, with their
    /// expiry.
    func dueExpiries(at now: Microseconds, limit: Int = .max) throws -> [(id: NodeID, time: Microseconds)] {
        guard let byExpiry = schema.byExpiry else { return [] }
        var due: [(id: NodeID, time: Microseconds)] = []
        let cursor = try txn.cursor(byExpiry)
        defer { cursor.close() }
        var more = try cursor.first()
        while more, due.count < limit {
            let entry = cursor.withCurrent { key, _ -> (NodeID, Microseconds)? in
                guard key.count == 24 else { return nil }
                return (NodeID(key, at: 8), Microseconds(sortable: key.bigEndianUInt64(at: 0)))
            }
            guard let entry else {
                throw MemoryGraphError(
                    .corruption, "a key of idx.expiry is not 24 bytes; run `memory-graph verify --repair`")
            }
            guard entry.1 <= now else { break }
            due.append(entry)
            more = try cursor.next()
        }
        return due
    }

    /// The soonest expiry listed, `nil` when no node expires.
    func soonestExpiry() throws -> Microseconds? {
        guard let byExpiry = schema.byExpiry else { return nil }
        let cursor = try txn.cursor(byExpiry)
        defer { cursor.close() }
        guard try cursor.first() else { return nil }
        return cursor.withCurrent { key, _ in key.count >= 8 ? Microseconds(sortable: key.bigEndianUInt64(at: 0)) : nil
        }
    }

    /// Removes up to `limit` of the nodes due at `now`, each as ``remove(_:logging:)`` does, logged
    /// as ``GraphChange/Kind/nodeExpired``; returns how many.
    func sweepExpired(at now: Microseconds, limit: Int) throws -> Int {
        var removed = 0
        for (id, time) in try dueExpiries(at: now, limit: limit) {
            if try remove(id, logging: .nodeExpired) {
                removed += 1
            } else {
                // A listing without its node (verify reports it): dropped, so it is not met again.
                try unfileExpiry(of: id, at: time)
            }
        }
        return removed
    }
}
