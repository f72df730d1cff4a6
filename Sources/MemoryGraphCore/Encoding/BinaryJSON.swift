/// The compact binary form of ``JSONValue`` in node and bundle records.
///
/// Each value is a tag byte and its payload: `0` null · `1` false · `2` true ·
/// `3` integer (zigzag LEB128) · `4` double (8 bytes, big-endian IEEE 754 bits) ·
/// `5` string (LEB128 byte count, UTF-8) · `6` array (LEB128 count, values) ·
/// `7` object (LEB128 count, then key as a string payload and value, keys in UTF-8 byte order).
/// Decoding checks every length against the bytes left, so damaged bytes give a
/// ``RecordCorruption``, never a trap.
package enum BinaryJSON {
    /// The deepest nesting of arrays and objects that is stored.
    package static let maximumDepth = 128

    private enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, double, string, array, object
    }

    /// The most items reserved up front for an array or object: a damaged count (up to the
    /// bytes left, at every nesting level) cannot make decoding ask for gigabytes.
    private static let trustedCount = 1_024

    /// The first byte of an encoded object.
    package static let objectTag = Tag.object.rawValue
    /// The first byte of an encoded array.
    package static let arrayTag = Tag.array.rawValue
    /// The first byte of an encoded string.
    package static let stringTag = Tag.string.rawValue
    /// The first byte of an encoded integer.
    package static let integerTag = Tag.int.rawValue
    /// The first byte of an encoded double.
    package static let doubleTag = Tag.double.rawValue

    /// Appends the encoding of `value` to `bytes`.
    package static func encode(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(Tag.null.rawValue)
        case .bool(let flag): bytes.append(flag ? Tag.true.rawValue : Tag.false.rawValue)
        case .int(let number):
            bytes.append(Tag.int.rawValue)
            appendVarint(UInt64(bitPattern: Int64(number) << 1 ^ Int64(number) >> 63), to: &bytes)
        case .double(let number):
            bytes.append(Tag.double.rawValue)
            bytes.appendBigEndian(number.bitPattern)
        case .string(let text):
            bytes.append(Tag.string.rawValue)
            appendString(text, to: &bytes)
        case .array(let items):
            bytes.append(Tag.array.rawValue)
            appendVarint(UInt64(items.count), to: &bytes)
            for item in items { encode(item, into: &bytes) }
        case .object(let members):
            bytes.append(Tag.object.rawValue)
            appendVarint(UInt64(members.count), to: &bytes)
            for (key, item) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                appendString(key, to: &bytes)
                encode(item, into: &bytes)
            }
        }
    }

    /// The number of bytes ``encode(_:into:)`` appends for `value`, without encoding it.
    package static func encodedSize(_ value: JSONValue) -> Int {
        switch value {
        case .null, .bool: return 1
        case .int(let number): return 1 + varintSize(UInt64(bitPattern: Int64(number) << 1 ^ Int64(number) >> 63))
        case .double: return 9
        case .string(let text): return 1 + stringSize(text)
        case .array(let items):
            return items.reduce(1 + varintSize(UInt64(items.count))) { $0 + encodedSize($1) }
        case .object(let members):
            return members.reduce(1 + varintSize(UInt64(members.count))) {
                $0 + stringSize($1.key) + encodedSize($1.value)
            }
        }
    }

    private static func varintSize(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    private static func stringSize(_ text: String) -> Int {
        let count = text.utf8.count
        return varintSize(UInt64(count)) + count
    }

    /// Whether `value` nests at most ``maximumDepth`` arrays and objects deep.
    package static func validateDepth(_ value: JSONValue, depth: Int = 0) -> Bool {
        switch value {
        case .array(let items):
            return depth < maximumDepth && items.allSatisfy { validateDepth($0, depth: depth + 1) }
        case .object(let members):
            return depth < maximumDepth && members.values.allSatisfy { validateDepth($0, depth: depth + 1) }
        default:
            return true
        }
    }

    /// Checks that `bytes` hold exactly one value ``decode(_:)`` accepts, without building it:
    /// tags, lengths, UTF-8 and depth. Object keys must be in strictly increasing UTF-8 byte
    /// order, as ``encode(_:into:)`` writes them, which also rules out repeated keys.
    ///
    /// A well-formed value (every stored one) passes one tight ``WellFormedScan``; only damaged
    /// bytes are walked again to say what is wrong where.
    package static func validate(_ bytes: UnsafeRawBufferPointer) throws(RecordCorruption) {
        var scan = WellFormedScan(bytes)
        if scan.value(depth: 0), scan.offset == bytes.count { return }
        // The two walks accept the same bytes (tested); the fallback keeps a disagreement safe.
        throw damage(in: bytes) ?? RecordCorruption(message: "the JSON value is malformed", offset: 0)
    }

    /// What is wrong with `bytes` as exactly one value, or `nil` when it is well formed: the
    /// walk that reports where ``validate(_:)`` fails.
    package static func damage(in bytes: UnsafeRawBufferPointer) -> RecordCorruption? {
        var offset = 0
        do {
            try skip(bytes, at: &offset, depth: 0)
        } catch {
            return error
        }
        guard offset == bytes.count else {
            return RecordCorruption(message: "\(bytes.count - offset) bytes follow the JSON value", offset: offset)
        }
        return nil
    }

    /// Moves `offset` past the value there, checking it as ``decode(_:at:depth:)`` would.
    private static func skip(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, depth: Int) throws(RecordCorruption)
    {
        guard offset < bytes.count else {
            throw RecordCorruption(message: "the JSON value is cut short", offset: offset)
        }
        let tagOffset = offset
        guard let tag = Tag(rawValue: bytes[offset]) else {
            throw RecordCorruption(message: "unknown JSON tag \(bytes[offset])", offset: offset)
        }
        offset += 1
        switch tag {
        case .null, .false, .true:
            return
        case .int:
            _ = try varint(bytes, at: &offset)
        case .double:
            guard bytes.count - offset >= 8 else {
                throw RecordCorruption(message: "a JSON number is cut short", offset: offset)
            }
            offset += 8
        case .string:
            _ = try stringBytes(bytes, at: &offset)
        case .array:
            guard depth < maximumDepth else {
                throw RecordCorruption(message: "JSON nests deeper than \(maximumDepth) levels", offset: tagOffset)
            }
            for _ in 0..<(try count(bytes, at: &offset)) { try skip(bytes, at: &offset, depth: depth + 1) }
        case .object:
            guard depth < maximumDepth else {
                throw RecordCorruption(message: "JSON nests deeper than \(maximumDepth) levels", offset: tagOffset)
            }
            var previous: UnsafeRawBufferPointer?
            for _ in 0..<(try count(bytes, at: &offset)) {
                let keyOffset = offset
                let key = try stringBytes(bytes, at: &offset)
                if let previous, !previous.lexicographicallyPrecedes(key) {
                    throw RecordCorruption(message: "JSON keys are repeated or out of order", offset: keyOffset)
                }
                previous = key
                try skip(bytes, at: &offset, depth: depth + 1)
            }
        }
    }

    /// Decodes one value that fills `bytes` exactly.
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordCorruption) -> JSONValue {
        var offset = 0
        let value = try decode(bytes, at: &offset)
        guard offset == bytes.count else {
            throw RecordCorruption(message: "\(bytes.count - offset) bytes follow the JSON value", offset: offset)
        }
        return value
    }

    /// Decodes the value at `offset` and moves `offset` past it.
    package static func decode(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(RecordCorruption)
        -> JSONValue
    {
        try decode(bytes, at: &offset, depth: 0)
    }

    private static func decode(
        _ bytes: UnsafeRawBufferPointer, at offset: inout Int, depth: Int
    ) throws(RecordCorruption) -> JSONValue {
        guard offset < bytes.count else {
            throw RecordCorruption(message: "the JSON value is cut short", offset: offset)
        }
        let tagOffset = offset
        guard let tag = Tag(rawValue: bytes[offset]) else {
            throw RecordCorruption(message: "unknown JSON tag \(bytes[offset])", offset: offset)
        }
        offset += 1
        switch tag {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .int:
            let zigzag = try varint(bytes, at: &offset)
            return .int(Int(truncatingIfNeeded: Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)))
        case .double:
            guard bytes.count - offset >= 8 else {
                throw RecordCorruption(message: "a JSON number is cut short", offset: offset)
            }
            defer { offset += 8 }
            return .double(Double(bitPattern: bytes.bigEndianUInt64(at: offset)))
        case .string:
            return .string(try string(bytes, at: &offset))
        case .array:
            guard depth < maximumDepth else {
                throw RecordCorruption(message: "JSON nests deeper than \(maximumDepth) levels", offset: tagOffset)
            }
            let count = try count(bytes, at: &offset)
            var items: [JSONValue] = []
            items.reserveCapacity(min(count, Self.trustedCount))
            for _ in 0..<count { items.append(try decode(bytes, at: &offset, depth: depth + 1)) }
            return .array(items)
        case .object:
            guard depth < maximumDepth else {
                throw RecordCorruption(message: "JSON nests deeper than \(maximumDepth) levels", offset: tagOffset)
            }
            let count = try count(bytes, at: &offset)
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(min(count, Self.trustedCount))
            for _ in 0..<count {
                let keyOffset = offset
                let key = try string(bytes, at: &offset)
                let value = try decode(bytes, at: &offset, depth: depth + 1)
                guard members.updateValue(value, forKey: key) == nil else {
                    throw RecordCorruption(message: "repeated JSON key \"\(key)\"", offset: keyOffset)
                }
            }
            return .object(members)
        }
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func appendString(_ text: String, to bytes: inout [UInt8]) {
        appendVarint(UInt64(text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    private static func varint(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(RecordCorruption) -> UInt64
    {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else {
                throw RecordCorruption(message: "a length or integer is cut short", offset: start)
            }
            let byte = bytes[offset]
            offset += 1
            guard shift < 64, shift < 63 || byte <= 1 else {
                throw RecordCorruption(message: "a length or integer is longer than 64 bits", offset: start)
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A count of items, each of which takes at least one byte of what is left.
    private static func count(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(RecordCorruption) -> Int {
        let start = offset
        let value = try varint(bytes, at: &offset)
        guard value <= UInt64(bytes.count - offset) else {
            throw RecordCorruption(message: "a count of \(value) exceeds the bytes left", offset: start)
        }
        return Int(value)
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) throws(RecordCorruption) -> String
    {
        let start = offset
        guard let text = String(validating: try rawString(bytes, at: &offset), as: UTF8.self) else {
            throw RecordCorruption(message: "a JSON string is not valid UTF-8", offset: start)
        }
        return text
    }

    /// The bytes of the string at `offset`, checked to be UTF-8; moves `offset` past them.
    private static func stringBytes(
        _ bytes: UnsafeRawBufferPointer, at offset: inout Int
    ) throws(RecordCorruption) -> UnsafeRawBufferPointer {
        let start = offset
        let slice = try rawString(bytes, at: &offset)
        guard String(validating: slice, as: UTF8.self) != nil else {
            throw RecordCorruption(message: "a JSON string is not valid UTF-8", offset: start)
        }
        return slice
    }

    /// The bytes of the string at `offset`, not checked; moves `offset` past them.
    private static func rawString(
        _ bytes: UnsafeRawBufferPointer, at offset: inout Int
    ) throws(RecordCorruption) -> UnsafeRawBufferPointer {
        let length = try count(bytes, at: &offset)
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
    }
}
