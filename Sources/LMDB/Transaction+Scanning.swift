internal import CLMDB

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The direction of a scan.
public enum ScanDirection: Sendable, Hashable {
    /// Ascending key (and duplicate) order.
    case forward
    /// Descending key (and duplicate) order.
    case backward
}

/// A range of keys in byte order (`memcmp`): an inclusive lower bound and an inclusive or
/// exclusive upper bound, each optional.
///
/// ```swift
/// let january = KeyRange(from: start, to: end)            // start ≤ key < end
/// let users = KeyRange.prefix(Array("user:".utf8))       // every key starting with "user:"
/// ```
public struct KeyRange: Sendable, Hashable {
    /// The smallest key in the range, or `nil` for no lower bound.
    public var lower: [UInt8]?
    /// The upper bound, or `nil` for none.
    public var upper: [UInt8]?
    /// Whether ``upper`` itself is in the range.
    public var includesUpper: Bool

    /// A range `lower ≤ key < upper` (or `≤ upper` with `includingUpper`).
    public init(from lower: [UInt8]? = nil, to upper: [UInt8]? = nil, includingUpper: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.includesUpper = includingUpper
    }

    /// Every key.
    public static let all = KeyRange()

    /// Every key that starts with `prefix`.
    public static func prefix(_ prefix: [UInt8]) -> KeyRange {
        var successor = prefix
        while let last = successor.last, last == 0xFF { successor.removeLast() }
        guard !successor.isEmpty else { return KeyRange(from: prefix) }
        successor[successor.count - 1] += 1
        return KeyRange(from: prefix, to: successor)
    }

    func isBelowUpper(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let upper else { return true }
        let order = compareBytes(key, upper)
        return order < 0 || (order == 0 && includesUpper)
    }

    func isAboveLower(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let lower else { return true }
        return compareBytes(key, lower) >= 0
    }
}

/// `memcmp` order of two byte strings, as LMDB sorts keys: negative, zero or positive.
func compareBytes(_ lhs: UnsafeRawBufferPointer, _ rhs: [UInt8]) -> Int {
    rhs.withUnsafeBytes { rhs in
        let common = min(lhs.count, rhs.count)
        if common > 0, let left = lhs.baseAddress, let right = rhs.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return Int(order) }
        }
        return lhs.count - rhs.count
    }
}

extension Transaction {
    /// Visits the entries whose keys lie in `range`, in `direction`, without copying; in a
    /// ``DatabaseFlags/dupSort`` database every duplicate is visited. `body` returns `false` to
    /// stop. For databases in byte order (not ``DatabaseFlags/integerKey``).
    ///
    /// ```swift
    /// try txn.scan(index, in: .prefix(agentKey), direction: .backward) { key, value in
    ///     ids.append(decode(value)); return ids.count < 50
    /// }
    /// ```
    public func scan(
        _ database: Database, in range: KeyRange = .all, direction: ScanDirection = .forward,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let cursor = try self.cursor(database)
        defer { cursor.close() }
        switch direction {
        case .forward:
            var found = try range.lower.map { try cursor.seek(atLeast: $0) } ?? cursor.first()
            while found {
                let proceed = try cursor.withCurrent { key, value in
                    range.isBelowUpper(key) ? try body(key, value) : false
                }
                guard proceed else { return }
                found = try cursor.next()
            }
        case .backward:
            var found = try positionAtUpperBound(cursor, range)
            while found {
                let proceed = try cursor.withCurrent { key, value in
                    range.isAboveLower(key) ? try body(key, value) : false
                }
                guard proceed else { return }
                found = try cursor.previous()
            }
        }
    }

    /// Moves `cursor` to the last entry at or below the range's upper bound.
    private func positionAtUpperBound(_ cursor: Cursor, _ range: KeyRange) throws -> Bool {
        guard let upper = range.upper else { return try cursor.last() }
        guard try cursor.seek(atLeast: upper) else { return try cursor.last() }
        let isUpperItself = cursor.withCurrent { key, _ in compareBytes(key, upper) == 0 }
        if isUpperItself && range.includesUpper {
            return cursor.database.flags.contains(.dupSort) ? try cursor.lastDuplicate() : true
        }
        return try cursor.previous()
    }

    /// Visits the duplicates of `key` in a ``DatabaseFlags/dupSort`` database, in `direction`,
    /// without copying. With `bound`, starts at the first duplicate `≥ bound` (forward) or the
    /// last duplicate `≤ bound` (backward). `body` returns `false` to stop.
    public func forEachDuplicate(
        of key: some ContiguousBytes, in database: Database, direction: ScanDirection = .forward,
        from bound: [UInt8]? = nil, _ body: (UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let cursor = try self.cursor(database)
        defer { cursor.close() }
        var found: Bool
        switch (direction, bound) {
        case (.forward, nil):
            found = try cursor.seek(to: key)
        case (.forward, let bound?):
            found = try cursor.seek(to: key, duplicateAtLeast: bound)
        case (.backward, nil):
            found = try cursor.seek(to: key) && cursor.lastDuplicate()
        case (.backward, let bound?):
            if try cursor.seek(to: key, duplicateAtLeast: bound) {
                let isAbove = cursor.withCurrent { _, value in compareBytes(value, bound) > 0 }
                found = isAbove ? try cursor.previousDuplicate() : true
            } else {
                found = try cursor.seek(to: key) && cursor.lastDuplicate()
            }
        }
        while found {
            guard try cursor.withCurrent({ _, value in try body(value) }) else { return }
            found = try direction == .forward ? cursor.nextDuplicate() : cursor.previousDuplicate()
        }
    }

    /// Copies every duplicate of `key` in a ``DatabaseFlags/dupFixed`` database, in order and
    /// packed back to back, using bulk reads (`MDB_GET_MULTIPLE`). Empty when `key` is absent.
    public func duplicates(of key: some ContiguousBytes, in database: Database) throws -> [UInt8] {
        let cursor = try self.cursor(database)
        defer { cursor.close() }
        guard try cursor.seek(to: key) else { return [] }
        var result: [UInt8] = []
        try cursor.forEachDuplicateBatch { page in
            result.append(contentsOf: page)
            return true
        }
        return result
    }
}
