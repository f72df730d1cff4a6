/// A pass over ``BinaryJSON`` bytes that answers only whether they are well formed, with the
/// checks of ``BinaryJSON/damage(in:)`` (tags, lengths, UTF-8, key order, depth) and none of
/// its error reporting, so that the check every node read makes stays a tight loop: object
/// members that are not containers are checked in line, strings eight bytes at a time.
package struct WellFormedScan {
    private let bytes: UnsafeRawBufferPointer
    /// Where the scan is: past the last value it accepted.
    private(set) var offset = 0

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Moves past the value at ``offset``, nested `depth` arrays and objects deep; `false` when
    /// it is not well formed.
    package mutating func value(depth: Int) -> Bool {
        guard offset < bytes.count else { return false }
        let tag = bytes[offset]
        offset += 1
        switch tag {
        case BinaryJSON.objectTag: return members(depth: depth)
        case BinaryJSON.arrayTag:
            guard depth < BinaryJSON.maximumDepth, let count = count() else { return false }
            for _ in 0..<count where !value(depth: depth + 1) { return false }
            return true
        default: return scalar(tag)
        }
    }

    /// A value that is not an array or object, after its tag.
    @inline(__always)
    private mutating func scalar(_ tag: UInt8) -> Bool {
        // Tests in the order of how often stored values have them.
        if tag == BinaryJSON.stringTag { return string() != nil }
        if tag < BinaryJSON.integerTag { return true }
        if tag == BinaryJSON.integerTag { return varint() != nil }
        if tag == BinaryJSON.doubleTag {
            guard bytes.count - offset >= 8 else { return false }
            offset += 8
            return true
        }
        return false
    }

    /// An object's members, after its tag.
    private mutating func members(depth: Int) -> Bool {
        guard depth < BinaryJSON.maximumDepth, let count = count() else { return false }
        var previous = 0..<0
        for index in 0..<count {
            guard let key = string(), index == 0 || precedes(previous, key), offset < bytes.count else { return false }
            previous = key
            let tag = bytes[offset]
            if tag >= BinaryJSON.arrayTag {
                guard value(depth: depth + 1) else { return false }
            } else {
                offset += 1
                guard scalar(tag) else { return false }
            }
        }
        return true
    }

    /// A LEB128 number of at most 64 bits.
    @inline(__always)
    private mutating func varint() -> UInt64? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        offset += 1
        if first < 0x80 { return UInt64(first) }
        return longVarint(first)
    }

    /// The rest of a LEB128 number whose first byte is `first`.
    private mutating func longVarint(_ first: UInt8) -> UInt64? {
        var value = UInt64(first & 0x7F)
        var shift: UInt64 = 7
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            guard shift < 63 || (shift == 63 && byte <= 1) else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// A count of items or bytes, each of which takes at least one of the bytes left.
    @inline(__always)
    private mutating func count() -> Int? {
        guard let value = varint(), value <= UInt64(bytes.count - offset) else { return nil }
        return Int(value)
    }

    /// The range of a string's bytes, checked to be UTF-8.
    @inline(__always)
    private mutating func string() -> Range<Int>? {
        guard let length = count() else { return nil }
        let start = offset
        offset += length
        // ASCII is valid UTF-8 and needs no call into the generic validation path.
        guard
            isASCII(start, offset)
                || String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self) != nil
        else { return nil }
        return start..<offset
    }

    /// Whether the bytes in `first` order strictly before those in `second`.
    private func precedes(_ first: Range<Int>, _ second: Range<Int>) -> Bool {
        var left = first.lowerBound, right = second.lowerBound
        while left < first.upperBound && right < second.upperBound {
            let a = bytes[left], b = bytes[right]
            if a != b { return a < b }
            left += 1
            right += 1
        }
        return first.count < second.count
    }

    /// Whether the bytes in `start..<end` are all below 0x80: eight at a time (the last eight
    /// overlapping), shorter runs with two or three loads.
    @inline(__always)
    private func isASCII(_ start: Int, _ end: Int) -> Bool {
        let length = end - start
        var high: UInt64
        if length >= 8 {
            high = bytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self)
            var index = start
            while index < end - 8 {
                high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
        } else if length >= 4 {
            high = UInt64(
                bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self)
                    | bytes.loadUnaligned(fromByteOffset: end - 4, as: UInt32.self))
        } else if length > 0 {
            high = UInt64(bytes[start] | bytes[start + length / 2] | bytes[end - 1])
        } else {
            high = 0
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
