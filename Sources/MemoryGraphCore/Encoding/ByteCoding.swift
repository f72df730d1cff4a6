package import Foundation

/// Big-endian fixed-width integers in keys and record headers: byte order is numeric order.
extension [UInt8] {
    /// Appends `value` as 4 big-endian bytes.
    @inlinable
    package mutating func appendBigEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// Appends `value` as 8 big-endian bytes.
    @inlinable
    package mutating func appendBigEndian(_ value: UInt64) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    /// The big-endian `UInt32` at `offset`; the caller checked the bounds.
    @inlinable
    package func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The big-endian `UInt64` at `offset`; the caller checked the bounds.
    @inlinable
    package func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// A timestamp in microseconds since 1970, as stored in records and index keys.
///
/// Keys hold it as 8 big-endian bytes with the sign bit flipped, so byte order is time order
/// for dates before 1970 as well.
package struct Microseconds: Hashable, Comparable, Sendable {
    package var value: Int64

    @inlinable package init(_ value: Int64) { self.value = value }

    /// The times the store holds: 1900-01-01 up to 2100-01-01 (UTC). Within them every
    /// microsecond has a `Date` of its own, so ``date`` and ``init(_:)-(Date)`` are exact inverses
    /// (further out, `Date`'s 53 bits no longer tell neighbouring microseconds apart).
    package static let storable = Microseconds(-2_208_988_800_000_000)..<Microseconds(4_102_444_800_000_000)

    /// The first whole microsecond at or after `date`, clamped to ±9.2e18: where a query's time
    /// bound starts, since stored times are whole microseconds. A date within a thousandth of a
    /// microsecond of a whole one (floating-point error) counts as that one.
    package init(atOrAfter date: Date) {
        let micros = date.timeIntervalSince1970 * 1_000_000
        let nearest = micros.rounded()
        let value = abs(micros - nearest) < 0.001 ? nearest : micros.rounded(.up)
        self.init(Int64(max(-9.2e18, min(9.2e18, value))))
    }

    /// Microseconds since 1970 of `date`, to the nearest microsecond, clamped to ±9.2e18.
    ///
    /// A date made by ``date`` gives back its microsecond exactly wherever `Date` tells it from
    /// its neighbours, as within ``storable``: rounding lands within two microseconds of it, and
    /// of those only it has that date.
    package init(nearest date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let estimate = Int64(max(-9.2e18, min(9.2e18, micros.isNaN ? 0 : micros)))
        value = (estimate - 2...estimate + 2).first { Microseconds($0).date == date } ?? estimate
    }

    /// Microseconds since 1970 of `date`, to the nearest microsecond; `nil` outside ``storable``.
    package init?(_ date: Date) {
        self.init(nearest: date)
        guard Self.storable.contains(self) else { return nil }
    }

    package static func now() -> Microseconds {
        Microseconds(Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    package var date: Date { Date(timeIntervalSince1970: Double(value) / 1_000_000) }

    /// The order-preserving unsigned form used in keys.
    @inlinable package var sortable: UInt64 { UInt64(bitPattern: value) ^ (1 << 63) }

    @inlinable package init(sortable: UInt64) { value = Int64(bitPattern: sortable ^ (1 << 63)) }

    @inlinable package static func < (lhs: Microseconds, rhs: Microseconds) -> Bool { lhs.value < rhs.value }

    @inlinable package static func == (lhs: Microseconds, rhs: Microseconds) -> Bool { lhs.value == rhs.value }
}

/// One entry of a time-ordered posting list: `timestamp (8, sortable) | node id (16)`.
///
/// Every secondary index files its nodes under these 24 bytes (in the lists keyed by interned
/// ids followed by the node's ``FilterFields``: an ``IndexEntry``), so each list is in time order
/// (ties by id) and a time window is one seek.
package struct Posting: Hashable, Comparable, Sendable {
    @inlinable package static var size: Int { 24 }

    package var timestamp: Microseconds
    package var id: NodeID

    @inlinable package var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.appendBigEndian(timestamp.sortable)
        id.write(to: &bytes)
        return bytes
    }

    /// Decodes the 24 bytes at `offset` of `buffer`; the caller checked the bounds.
    @inlinable package init(_ buffer: UnsafeRawBufferPointer, at offset: Int = 0) {
        timestamp = Microseconds(sortable: buffer.bigEndianUInt64(at: offset))
        id = NodeID(high: buffer.bigEndianUInt64(at: offset + 8), low: buffer.bigEndianUInt64(at: offset + 16))
    }

    /// Decodes `buffer` when it is exactly one posting; `nil` otherwise.
    @inlinable package init?(exactly buffer: UnsafeRawBufferPointer) {
        guard buffer.count == Self.size else { return nil }
        self.init(buffer)
    }

    @inlinable package init(timestamp: Microseconds, id: NodeID) {
        self.timestamp = timestamp
        self.id = id
    }

    @inlinable package static func < (lhs: Posting, rhs: Posting) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }

    @inlinable package static func == (lhs: Posting, rhs: Posting) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.id == rhs.id
    }
}
