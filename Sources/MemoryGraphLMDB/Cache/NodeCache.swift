import MemoryGraphCore
import Metrics
import NIOConcurrencyHelpers
import Synchronization

/// The cache of decoded nodes in front of LMDB: sharded by id so readers on different cores
/// rarely meet on a lock, bounded in entries, and never stale.
///
/// Staleness is ruled out with LMDB transaction ids. The cache reflects every commit up to
/// ``knownTransaction``; a reader fills it only from a snapshot of exactly that commit. A writer
/// of this process announces its commit before invalidating what it changed, and a snapshot newer
/// than anything this process committed means another process wrote: everything is dropped
/// before that read returns.
final class NodeCache: Sendable {
    /// One lock-protected part of the cache, a separate object so that shards rarely share a
    /// cache line.
    private final class Shard: Sendable {
        let state: LockedValue<ShardState>
        init(capacity: Int) {
            state = LockedValue(
                ShardState(entries: LRUCache(capacity: capacity), firstReads: Doorkeeper(capacity: capacity)))
        }
    }

    /// A shard's entries and its counters, which are kept under the shard's lock so that a read
    /// writes no memory that readers of other shards (or on other cores) also write.
    private struct ShardState {
        var entries: LRUCache<NodeID, MemoryNode>
        /// The nodes read once, for ``MemoryGraph/CacheAdmission/repeated``.
        var firstReads: Doorkeeper
        var hits = 0
        var misses = 0
        var evictions = 0
    }

    private let shards: [Shard]
    private let admission: MemoryGraph.CacheAdmission
    private let knownTransaction = Atomic<Int>(0)
    private let ownPendingTransaction = Atomic<Int>(0)
    private let externalInvalidations = Atomic<Int>(0)
    private let metrics: StoreMetrics?
    let capacity: Int

    /// A cache of `capacity` nodes in `shardCount` shards (fewer when the capacity is small: at
    /// least 64 entries each), for a store whose last commit is `transaction`. Many shards keep
    /// readers apart: a recall of 50 nodes takes 50 shard locks, and a reader that finds its
    /// shard's lock taken sleeps in the kernel.
    init(
        capacity: Int, admission: MemoryGraph.CacheAdmission, transaction: Int, metrics: StoreMetrics? = nil,
        shardCount: Int = 128
    ) {
        self.metrics = metrics
        knownTransaction.store(transaction, ordering: .releasing)
        let shardCount = max(1, min(shardCount, capacity / 64))
        // The first `capacity % shardCount` shards hold one entry more, so that they add up to
        // `capacity` exactly.
        shards = (0..<shardCount).map { index in
            Shard(capacity: capacity / shardCount + (index < capacity % shardCount ? 1 : 0))
        }
        self.capacity = capacity
        self.admission = admission
    }

    private func shard(_ id: NodeID) -> Shard {
        // The low bits of a UUIDv7 are random: a cheap, even spread.
        shards[Int(truncatingIfNeeded: id.uuid.low % UInt64(shards.count))]
    }

    /// Called with the id of every read snapshot before the cache is used in it: a snapshot
    /// newer than every commit this process knows of is another process's write.
    func observe(snapshot: Int) {
        var known = knownTransaction.load(ordering: .acquiring)
        while snapshot > known {
            // This process's own commit, not yet published by `didCommit`.
            if snapshot == known + 1, snapshot == ownPendingTransaction.load(ordering: .acquiring) { return }
            let (exchanged, current) = knownTransaction.compareExchange(
                expected: known, desired: snapshot, ordering: .acquiringAndReleasing)
            if exchanged {
                dropEverything()
                return
            }
            known = current
        }
    }

    /// Drops every entry after another process's commit; ``knownTransaction`` already moved, so
    /// no reader of an older snapshot can fill an entry back.
    private func dropEverything() {
        externalInvalidations.add(1, ordering: .relaxed)
        for shard in shards { shard.state.withLockedValue { $0.entries.removeAll() } }
    }

    /// The cached node `id`, counting a hit or a miss.
    ///
    /// - Parameter countingMiss: Whether an absent node counts as a miss (a caller that goes on
    ///   to read the store, where the miss is counted, passes `false`).
    func node(_ id: NodeID, countingMiss: Bool = true) -> MemoryNode? {
        let found = shard(id).state.withLockedValue { shard in
            let found = shard.entries.value(for: id)
            if found != nil {
                shard.hits += 1
            } else if countingMiss {
                shard.misses += 1
            }
            return found
        }
        if found != nil {
            metrics?.cacheHits.increment()
        } else if countingMiss {
            metrics?.cacheMisses.increment()
        }
        return found
    }

    /// Caches `node`, read in `snapshot`, when that snapshot is the newest known commit and the
    /// admission policy accepts it (for ``MemoryGraph/CacheAdmission/repeated``: when its id was
    /// marked by an earlier read, which this one does otherwise).
    func fill(_ node: MemoryNode, snapshot: Int) {
        if case .minConfidence(let threshold) = admission, !((node.confidence ?? -1) >= threshold) { return }
        let evicted = shard(node.id).state.withLockedValue { shard -> Bool in
            guard knownTransaction.load(ordering: .acquiring) == snapshot else { return false }
            if admission == .repeated, !shard.firstReads.admits(node.id.uuid.low) { return false }
            let evicted = shard.entries.insert(node, for: node.id)
            if evicted { shard.evictions += 1 }
            return evicted
        }
        if evicted { metrics?.cacheEvictions.increment() }
    }

    /// Announces that this process is about to commit transaction `id`.
    func willCommit(_ id: Int) {
        ownPendingTransaction.store(id, ordering: .releasing)
    }

    /// Records that this process committed transaction `id`, which changed the nodes `changed`.
    func didCommit(_ id: Int, changed: Set<NodeID>) {
        var known = knownTransaction.load(ordering: .acquiring)
        while known < id {
            let (exchanged, current) = knownTransaction.compareExchange(
                expected: known, desired: id, ordering: .acquiringAndReleasing)
            if exchanged {
                // Commits between the last known one and ours came from another process.
                if known < id - 1 { dropEverything() }
                break
            }
            known = current
        }
        for id in changed { shard(id).state.withLockedValue { $0.entries.removeValue(for: id) } }
    }

    /// Hit, miss and eviction counts, and the entries held.
    var statistics: MemoryGraph.CacheStatistics {
        var statistics = MemoryGraph.CacheStatistics(
            hits: 0, misses: 0, evictions: 0, entries: 0, capacity: capacity,
            externalInvalidations: externalInvalidations.load(ordering: .relaxed))
        for shard in shards {
            shard.state.withLockedValue { shard in
                statistics.hits += shard.hits
                statistics.misses += shard.misses
                statistics.evictions += shard.evictions
                statistics.entries += shard.entries.count
            }
        }
        return statistics
    }
}
