import Foundation
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Binary JSON records")
struct BinaryJSONTests {
    private static func encoded(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        BinaryJSON.encode(value, into: &bytes)
        return bytes
    }

    private static func decoded(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try BinaryJSON.decode($0) }
    }

    @Test(
        "random documents round-trip exactly, and equal documents encode to equal bytes", arguments: [4, 5] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let value = JSONValueTests.randomValue(depth: 5, using: &generator)
            let bytes = Self.encoded(value)
            #expect(throws: Never.self) { try bytes.withUnsafeBytes { try BinaryJSON.validate($0) } }
            #expect(try Self.decoded(bytes) == value)
            #expect(Self.encoded(try Self.decoded(bytes)) == bytes)
        }
        for extreme in [Int.min, Int.max, 0, -1, 1, 63, -64, 64, 1 << 62] {
            #expect(try Self.decoded(Self.encoded(.int(extreme))) == .int(extreme))
        }
    }

    /// `bytes` (a non-empty encoding) cut short, with a byte flipped or its high bit set, with a
    /// byte appended, or replaced by random bytes: of any value, or of small values (mostly tags
    /// and counts).
    private static func damaged(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var damaged = bytes
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: damaged.removeLast(Int.random(in: 1...bytes.count, using: &generator))
        case 1:
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            damaged[index] ^= UInt8.random(in: 1...255, using: &generator)
        case 2:
            // Bytes with the high bit set land in strings (bad UTF-8), lengths and tags.
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                damaged[Int.random(in: 0..<bytes.count, using: &generator)] |= 0x80
            }
        case 3: damaged.append(UInt8.random(in: 0...255, using: &generator))
        case 4:
            damaged = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
        default:
            damaged = (0..<Int.random(in: 0...48, using: &generator)).map { _ in
                UInt8.random(in: 0...15, using: &generator)
            }
        }
        return damaged
    }

    @Test("truncated, flipped and random bytes give RecordCorruption, never a trap", arguments: [6, 7] as [UInt64])
    func damagedBytes(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let bytes = Self.encoded(JSONValueTests.randomValue(depth: 4, using: &generator))
            let damaged = Self.damaged(bytes, using: &generator)
            // Either the damage still decodes to some value, or it is reported; both without a trap.
            if let value = try? Self.decoded(damaged) {
                #expect(BinaryJSON.validateDepth(value))
            }
            // What validation accepts, decoding accepts: a node payload checked at read time
            // decodes later without failing.
            if (try? damaged.withUnsafeBytes { try BinaryJSON.validate($0) }) != nil {
                #expect(throws: Never.self) { try Self.decoded(damaged) }
            }
        }
        #expect(throws: RecordCorruption.self) { try Self.decoded([]) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([9]) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([0, 0]) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([6, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([5, 2, 0xC3, 0x28]) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([3] + [UInt8](repeating: 0xFF, count: 11)) }
        #expect(throws: RecordCorruption.self) { try Self.decoded([7, 2, 1, 0x61, 0, 1, 0x61, 0]) }
        for invalid: [UInt8] in [
            [], [9], [0, 0], [5, 2, 0xC3, 0x28], [7, 2, 1, 0x61, 0, 1, 0x61, 0], [7, 2, 1, 0x62, 0, 1, 0x61, 0],
        ] {
            #expect(throws: RecordCorruption.self, "\(invalid)") {
                try invalid.withUnsafeBytes { try BinaryJSON.validate($0) }
            }
        }
    }

    /// Whether the fast scan accepts `bytes`, next to whether the detailed walk does.
    private static func verdicts(_ bytes: [UInt8]) -> (scan: Bool, walk: Bool) {
        bytes.withUnsafeBytes { buffer in
            var scan = WellFormedScan(buffer)
            let accepted = scan.value(depth: 0) && scan.offset == buffer.count
            return (accepted, BinaryJSON.damage(in: buffer) == nil)
        }
    }

    @Test("the fast scan accepts exactly the bytes the detailed walk accepts", arguments: [8, 9] as [UInt64])
    func scanAgreesWithWalk(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var rejected = 0
        for _ in 0..<3_000 {
            let bytes = Self.encoded(JSONValueTests.randomValue(depth: 4, using: &generator))
            let damaged = Self.damaged(bytes, using: &generator)
            let verdicts = Self.verdicts(damaged)
            #expect(verdicts.scan == verdicts.walk, "\(damaged)")
            if !verdicts.walk { rejected += 1 }
        }
        // Both outcomes occur, so the comparison is not one-sided.
        #expect(rejected > 1_500 && rejected < 2_900)
        let edges: [[UInt8]] = [
            [7, 2, 1, 0x61, 0, 1, 0x61, 0], [7, 2, 1, 0x62, 0, 1, 0x61, 0], [7, 2, 1, 0x61, 0, 2, 0x61, 0x61, 0],
            [7, 2, 2, 0x61, 0x61, 0, 1, 0x61, 0], [5, 2, 0xC3, 0xA9], [5, 2, 0xC3, 0x28], [5, 1, 0x80],
            [3] + [UInt8](repeating: 0xFF, count: 9) + [1], [3] + [UInt8](repeating: 0xFF, count: 9) + [2],
            [4, 0, 0, 0, 0, 0, 0, 0], [6, 0x80, 0x01] + [UInt8](repeating: 0, count: 128),
            Self.encoded(.string(String(repeating: "ab", count: 37) + "é")),
            // Empty keys, and lengths and integers in more bytes than they need.
            [7, 2, 0, 0, 0, 0], [7, 2, 0, 0, 1, 0x61, 0], [7, 1, 0x80, 0, 0], [3, 0x80, 0], [5, 0x81, 0, 0x61],
        ]
        // Arrays and objects nested up to the limit and one past it, in either order.
        var nested: [[UInt8]] = []
        for depth in [BinaryJSON.maximumDepth, BinaryJSON.maximumDepth + 1] {
            for shape in 0..<3 {
                var bytes: [UInt8] = []
                for level in 0..<depth {
                    let object = shape == 1 || (shape == 2 && level % 2 == 1)
                    bytes += object ? [7, 1, 1, 0x6B] : [6, 1]
                }
                nested.append(bytes + [0])
            }
        }
        // A stray continuation byte at every position of strings of 1 to 20 bytes: the scan
        // checks strings in words and must see every byte of them.
        let strays = (1...20).flatMap { length in
            (0..<length).map { position in
                [5, UInt8(length)] + (0..<length).map { $0 == position ? 0x80 : UInt8(ascii: "a") }
            }
        }
        #expect(nested.prefix(3).allSatisfy { Self.verdicts($0).walk })
        #expect(nested.suffix(3).allSatisfy { !Self.verdicts($0).walk })
        for bytes in edges + strays + nested {
            let verdicts = Self.verdicts(bytes)
            #expect(verdicts.scan == verdicts.walk, "\(bytes)")
        }
    }

    @Test("nesting is limited to maximumDepth when validating and when decoding")
    func depth() throws {
        var deep: JSONValue = .null
        for _ in 0..<BinaryJSON.maximumDepth { deep = .array([deep]) }
        #expect(BinaryJSON.validateDepth(deep))
        #expect(try Self.decoded(Self.encoded(deep)) == deep)
        let tooDeep: JSONValue = .object(["x": deep])
        #expect(!BinaryJSON.validateDepth(tooDeep))
        #expect(throws: RecordCorruption.self) { try Self.decoded(Self.encoded(tooDeep)) }
    }
}
