import MemoryGraphCore

/// A least-recently-used map with a fixed capacity: lookup, insert, remove and eviction in O(1).
///
/// Entries live in one array linked into a recency list by index (no per-entry allocation);
/// a dictionary maps keys to their slots. Not thread-safe: ``NodeCache`` keeps each one behind
/// a lock.
struct LRUCache<Key: Hashable, Value> {
    fileprivate struct Entry {
        var key: Key
        var value: Value
        var newer: Int
        var older: Int
    }

    private static var none: Int { -1 }

    /// The most entries kept.
    let capacity: Int
    private var entries: [Entry] = []
    private var slots: [Key: Int] = [:]
    private var free: [Int] = []
    private var newest = none
    private var oldest = none

    init(capacity: Int) {
        precondition(capacity > 0, "an LRU cache needs room for at least one entry")
        self.capacity = capacity
    }

    /// The number of entries.
    var count: Int { slots.count }

    /// The value for `key`, which becomes the most recently used; `nil` when absent.
    mutating func value(for key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        unlink(slot)
        pushNewest(slot)
        return entries[slot].value
    }

    /// Stores `value` for `key` as the most recently used entry.
    ///
    /// - Returns: Whether the least recently used entry was evicted to make room.
    @discardableResult
    mutating func insert(_ value: Value, for key: Key) -> Bool {
        if let slot = slots[key] {
            entries[slot].value = value
            unlink(slot)
            pushNewest(slot)
            return false
        }
        var evicted = false
        if slots.count == capacity {
            let victim = oldest
            unlink(victim)
            slots[entries[victim].key] = nil
            free.append(victim)
            evicted = true
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            entries[slot] = Entry(key: key, value: value, newer: Self.none, older: Self.none)
        } else {
            slot = entries.count
            entries.append(Entry(key: key, value: value, newer: Self.none, older: Self.none))
        }
        slots[key] = slot
        pushNewest(slot)
        return evicted
    }

    /// Removes the entry for `key`, if any.
    mutating func removeValue(for key: Key) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        free.append(slot)
    }

    /// Removes every entry.
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        free.removeAll(keepingCapacity: true)
        newest = Self.none
        oldest = Self.none
    }

    /// The keys from most to least recently used (for tests and diagnostics; O(n)).
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot != Self.none {
            keys.append(entries[slot].key)
            slot = entries[slot].older
        }
        return keys
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (entries[slot].newer, entries[slot].older)
        if newer == Self.none { newest = older } else { entries[newer].older = older }
        if older == Self.none { oldest = newer } else { entries[older].newer = newer }
        entries[slot].newer = Self.none
        entries[slot].older = Self.none
    }

    private mutating func pushNewest(_ slot: Int) {
        entries[slot].older = newest
        if newest != Self.none { entries[newest].newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
extension LRUCache.Entry: Sendable where Key: Sendable, Value: Sendable {}
