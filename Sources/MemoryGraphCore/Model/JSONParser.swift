/// A strict RFC 8259 parser producing ``JSONValue``.
///
/// Numbers without a fraction or exponent that fit in `Int` become ``JSONValue/int(_:)``,
/// every other number ``JSONValue/double(_:)``, so `2` and `2.0` read back as written.
package struct JSONParser {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var offset = 0

    /// Parses `bytes` as one JSON document, optionally surrounded by white space, whose arrays
    /// and objects nest at most `maximumDepth` levels deep.
    package static func parse(
        _ bytes: [UInt8], maximumDepth: Int = BinaryJSON.maximumDepth
    ) throws(MemoryGraphError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private func failure(_ message: String) -> MemoryGraphError {
        MemoryGraphError(.invalidArgument, "invalid JSON at byte \(offset): \(message)")
    }

    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    private mutating func expect(_ literal: String) throws(MemoryGraphError) {
        for byte in literal.utf8 {
            guard current == byte else { throw failure("expected \(literal)") }
            offset += 1
        }
    }

    private mutating func value(depth: Int) throws(MemoryGraphError) -> JSONValue {
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case .some(let byte) where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return try number()
        case nil: throw failure("the text ends where a value was expected")
        default: throw failure("expected a value")
        }
    }

    private mutating func enter(_ depth: Int) throws(MemoryGraphError) {
        guard depth < maximumDepth else {
            throw failure("arrays and objects nest deeper than \(maximumDepth) levels")
        }
        offset += 1
        skipWhitespace()
    }

    private mutating func array(depth: Int) throws(MemoryGraphError) -> JSONValue {
        try enter(depth)
        var items: [JSONValue] = []
        if current == UInt8(ascii: "]") {
            offset += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                offset += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                offset += 1
                return .array(items)
            default: throw failure("expected , or ] in an array")
            }
        }
    }

    private mutating func object(depth: Int) throws(MemoryGraphError) -> JSONValue {
        try enter(depth)
        var members: [String: JSONValue] = [:]
        if current == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected : after a member name") }
            offset += 1
            skipWhitespace()
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                offset += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                offset += 1
                return .object(members)
            default: throw failure("expected , or } in an object")
            }
        }
    }

    private mutating func number() throws(MemoryGraphError) -> JSONValue {
        let start = offset
        var isInteger = true
        if current == UInt8(ascii: "-") { offset += 1 }
        guard let first = current, Self.isDigit(first) else { throw failure("expected a digit") }
        offset += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard let digit = current, Self.isDigit(digit) else { throw failure("expected a digit after .") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard let digit = current, Self.isDigit(digit) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else {
            offset = start
            throw failure("the number \(text) is out of range")
        }
        return .double(double)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, Self.isDigit(byte) { offset += 1 }
    }

    private mutating func string() throws(MemoryGraphError) -> String {
        offset += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw failure("a string is not terminated") }
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &utf8)
            case 0..<0x20:
                offset -= 1
                throw failure("a control character must be escaped in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(MemoryGraphError) {
        guard let byte = current else { throw failure("a string is not terminated") }
        offset += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            utf8.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("unknown escape \\\(Unicode.Scalar(byte))") }
        var value = try hexQuad()
        if (0xD800..<0xDC00).contains(value) {
            guard current == UInt8(ascii: "\\") else { throw failure("a high surrogate is not followed by a low one") }
            offset += 1
            guard current == UInt8(ascii: "u") else { throw failure("a high surrogate is not followed by a low one") }
            offset += 1
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else {
                throw failure("a high surrogate is not followed by a low one")
            }
            value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw failure("a lone low surrogate") }
        utf8.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func hexQuad() throws(MemoryGraphError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigit(byte) else { throw failure("expected 4 hex digits") }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
