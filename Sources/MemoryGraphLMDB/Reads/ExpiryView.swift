import LMDB
import MemoryGraphCore
import NIOConcurrencyHelpers

/// What a read transaction needs to leave out expired nodes: the time of the read, and a hint
/// shared by the reads of a store that spares them a look at `idx.expiry` while nothing is due.
struct ExpiryView {
    /// The moment of the read: nodes expiring at or before it are left out.
    let now: Microseconds
    let hint: ExpiryHint
}

/// The soonest expiry of the last snapshot that looked, so that later reads of the same
/// snapshot, before that moment, know that no node is due without a cursor.
final class ExpiryHint: Sendable {
    private let seen = LockedValue<(snapshot: Int, soonest: Microseconds?)?>(nil)

    /// Whether a read of `snapshot` at `now` may skip `idx.expiry`: `true` when that snapshot
    /// was looked at and its soonest expiry is later than `now` (or there is none).
    func nothingDue(snapshot: Int, at now: Microseconds) -> Bool {
        guard let seen = seen.withLockedValue({ $0 }), seen.snapshot == snapshot else { return false }
        return seen.soonest.map { now < $0 } ?? true
    }

    func record(snapshot: Int, soonest: Microseconds?) {
        seen.withLockedValue { $0 = (snapshot, soonest) }
    }
}

extension StoreTransaction {
    /// The nodes a read must leave out: those expired at its time but not swept yet. Empty in
    /// write transactions, which sweep them first.
    func hidden() throws -> Set<NodeID> {
        guard let expiry else { return [] }
        if expiry.hint.nothingDue(snapshot: txn.id, at: expiry.now) { return [] }
        let due = try dueExpiries(at: expiry.now)
        if due.isEmpty { expiry.hint.record(snapshot: txn.id, soonest: try soonestExpiry()) }
        return Set(due.map(\.id))
    }

    /// Whether `header`'s node has expired at the time of this read.
    func hasExpired(_ header: NodeHeader) -> Bool {
        guard let expiry else { return false }
        return header.hasExpired(at: expiry.now)
    }

    /// Whether `node` has expired at the time of this read.
    func hasExpired(_ node: MemoryNode) -> Bool {
        guard let expiry, let expiresAt = node.expiresAt else { return false }
        return Microseconds(nearest: expiresAt) <= expiry.now
    }
}
