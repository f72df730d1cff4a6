import Foundation
import NIOConcurrencyHelpers

/// A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, version, 12 + 62 bits that keep
/// ids made in one process strictly increasing, and the variant.
///
/// Stored as two big-endian halves so comparison is byte order, which is time order.
///
/// The small members that every index read and dictionary lookup calls are `@inlinable`: the
/// backends are other modules, and an id is compared and hashed in their innermost loops.
@usableFromInline
package struct TimeOrderedUUID: Hashable, Comparable, Sendable {
    @usableFromInline package var high: UInt64
    @usableFromInline package var low: UInt64

    @inlinable package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A new id, greater than every id this process generated before.
    package static func generate() -> TimeOrderedUUID {
        generator.withLockedValue { $0.next() }
    }

    private static let generator = LockedValue(Generator())

    /// Monotonic generation (RFC 9562 §6.2, method 3 with a random increment): within one
    /// millisecond the 74 bits after the timestamp are incremented by a random amount; a clock
    /// that goes backwards is ignored by staying on the last timestamp.
    private struct Generator {
        var lastMilliseconds: UInt64 = 0
        var counter: UInt128 = 0  // 74 significant bits: rand_a (12) then rand_b (62)

        mutating func next() -> TimeOrderedUUID {
            let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
            let limit: UInt128 = 1 << 74
            if now > lastMilliseconds {
                lastMilliseconds = now
                counter = UInt128.random(in: 0..<(limit >> 1))
            } else {
                counter += UInt128.random(in: 1...(1 << 32))
                if counter >= limit {
                    lastMilliseconds += 1
                    counter = UInt128.random(in: 0..<(limit >> 1))
                }
            }
            let randA = UInt64(truncatingIfNeeded: counter >> 62) & 0xFFF
            let randB = UInt64(truncatingIfNeeded: counter) & 0x3FFF_FFFF_FFFF_FFFF
            return TimeOrderedUUID(
                high: lastMilliseconds << 16 | 0x7000 | randA,
                low: 0x8000_0000_0000_0000 | randB)
        }
    }

    /// Parses the canonical `8-4-4-4-12` hexadecimal form (either case).
    package init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if digits < 16 {
                high = high << 4 | UInt64(nibble)
            } else {
                low = low << 4 | UInt64(nibble)
            }
            digits += 1
        }
        self.init(high: high, low: low)
    }

    /// The canonical lowercase `8-4-4-4-12` form.
    package var text: String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            let shift = UInt64(60 - 4 * (index % 16))
            bytes.append(hex[Int(word >> shift & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The Unix milliseconds in the first 48 bits.
    package var milliseconds: UInt64 { high >> 16 }

    /// The 16 bytes in network order.
    package var bytes: [UInt8] {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return bytes
    }

    package init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    @inlinable package func write(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(high)
        bytes.appendBigEndian(low)
    }

    /// Calls `body` with the 16 bytes, without allocating.
    @inlinable package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { try body($0) }
    }

    @inlinable package static func < (lhs: TimeOrderedUUID, rhs: TimeOrderedUUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    @inlinable package static func == (lhs: TimeOrderedUUID, rhs: TimeOrderedUUID) -> Bool {
        lhs.high == rhs.high && lhs.low == rhs.low
    }

    @inlinable package func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
    }
}
