public import Foundation

extension JSONValue: CustomStringConvertible {
    /// Parses a JSON document (UTF-8).
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` naming what is wrong with the text.
    public init(jsonData: Data) throws {
        self = try JSONParser.parse([UInt8](jsonData))
    }

    /// Parses a JSON document.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` naming what is wrong with the text.
    public init(jsonString: String) throws {
        self = try JSONParser.parse(Array(jsonString.utf8))
    }

    /// The compact JSON text of the value, object keys sorted; floating-point numbers always
    /// carry a fraction or an exponent, so parsing the text gives back this value.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when a number is NaN or infinite.
    public func jsonString() throws -> String {
        var text = ""
        try write(to: &text)
        return text
    }

    /// The UTF-8 bytes of ``jsonString()``.
    public func jsonData() throws -> Data {
        Data(try jsonString().utf8)
    }

    /// The JSON text, or a description of the first non-finite number.
    public var description: String {
        (try? jsonString()) ?? "<JSON with a non-finite number>"
    }

    private func write(to text: inout String) throws {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .int(let value): text += String(value)
        case .double(let value):
            guard value.isFinite else {
                throw MemoryGraphError(.invalidArgument, "\(value) is not a finite number; JSON cannot hold it")
            }
            if value.rounded() == value, abs(value) >= 0x1p53, abs(value) < 0x1p63 {
                // Integral beyond 2^53 Swift writes with an exponent (`1e+18`), which stores that
                // normalise numbers (PostgreSQL's jsonb) would give back as an integer: in full.
                text += String(Int64(value)) + ".0"
            } else {
                text += String(value)  // the shortest text that reads back as the same Double
            }
        case .string(let value): Self.writeString(value, to: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                try item.write(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                Self.writeString(key, to: &text)
                text += ":"
                try members[key]?.write(to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                text += "\\u00"
                text += String(scalar.value >> 4, radix: 16)
                text += String(scalar.value & 0xF, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
