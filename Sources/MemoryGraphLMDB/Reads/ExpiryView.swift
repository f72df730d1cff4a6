import Foundation
import LMDB
import MemoryGraphCore
import NIOConcurrencyHelpers
import Synchronization

/// What a read transaction needs to leave out expired nodes: the time of the read, and a hint
/// shared by the reads of a store that spares them a look at `idx.expiry` while nothing is due.
struct ExpiryView {
    let hint: ExpiryHint
    /// The clock, read when the view is made: every check of one read uses that one moment, so
    /// that a node expiring while the read runs is either in all of its answers or in none.
    private let clock: @Sendable () -> Date
    private let time: Microseconds?

    /// The view of a read of `snapshot`. The clock is read now, unless `hint` knows that the
    /// snapshot holds no expiring node: reads of a store where none expires never look at it.
    init(clock: @escaping @Sendable () -> Date, hint: ExpiryHint, snapshot: Int) {
        self.hint = hint
        self.clock = clock
        time = hint.holdsNoExpiry(snapshot: snapshot) ? nil : Microseconds(nearest: clock())
    }

    /// The time of the read, to the microsecond: the moment the view was made. (A snapshot the
    /// hint knows to hold no expiry has no node for which the time matters; should a record
    /// carry an expiry that its index lacks, the clock is read then.)
    var now: Microseconds { time ?? Microseconds(nearest: clock()) }
}

/// The soonest expiry of the last snapshot that looked, so that later reads of the same
/// snapshot, before that moment, know that no node is due without a cursor.
///
/// Every cached point read asks, so reading it takes no lock: three atomic loads, the snapshot
/// id on both sides of the soonest expiry (a seqlock). Writers, rare — once per snapshot — take
/// a lock and mark the pair invalid while they change it.
final class ExpiryHint: Sendable {
    private static let changing = -1
    private static let none = Int64.max
    private let snapshot = Atomic<Int>(changing)
    private let soonest = Atomic<Int64>(none)
    private let writing = NIOLock()

    /// Whether a read of `snapshot` at `now` may skip `idx.expiry`: `true` when that snapshot
    /// was looked at and its soonest expiry is later than `now` (or there is none, and then the
    /// clock is not read); `nil` when that snapshot was not looked at.
    func nothingDue(snapshot wanted: Int, at now: @autoclosure () -> Microseconds) -> Bool? {
        guard let time = soonest(of: wanted) else { return nil }
        guard time != Self.none else { return true }
        return now() < Microseconds(time)
    }

    /// Whether `wanted` was looked at and holds no expiring node (the clock is not read).
    func holdsNoExpiry(snapshot wanted: Int) -> Bool {
        soonest(of: wanted) == Self.none
    }

    /// The soonest expiry recorded for `wanted` (``none`` when none expires), read between two
    /// loads of the snapshot id; `nil` when `wanted` is not what was recorded.
    private func soonest(of wanted: Int) -> Int64? {
        guard snapshot.load(ordering: .sequentiallyConsistent) == wanted else { return nil }
        let time = soonest.load(ordering: .sequentiallyConsistent)
        guard snapshot.load(ordering: .sequentiallyConsistent) == wanted, wanted != Self.changing else { return nil }
        return time
    }

    /// Remembers the soonest expiry of `recorded` (`nil`: no node of it expires).
    func record(snapshot recorded: Int, soonest time: Microseconds?) {
        writing.withLock {
            snapshot.store(Self.changing, ordering: .sequentiallyConsistent)
            soonest.store(time?.value ?? Self.none, ordering: .sequentiallyConsistent)
            snapshot.store(recorded, ordering: .sequentiallyConsistent)
        }
    }
}

extension StoreTransaction {
    /// The nodes a read must leave out: those expired at its time but not swept yet. Empty in
    /// write transactions, which sweep them first.
    func hidden() throws -> Set<NodeID> {
        guard let expiry else { return [] }
        if expiry.hint.nothingDue(snapshot: txn.id, at: expiry.now) == true { return [] }
        let now = expiry.now
        let due = try dueExpiries(at: now)
        if due.isEmpty { expiry.hint.record(snapshot: txn.id, soonest: try soonestExpiry()) }
        return Set(due.map(\.id))
    }

    /// Whether `node` has expired at the time of this read.
    func hasExpired(_ node: MemoryNode) -> Bool {
        guard let expiry, let expiresAt = node.expiresAt else { return false }
        return Microseconds(nearest: expiresAt) <= expiry.now
    }
}
