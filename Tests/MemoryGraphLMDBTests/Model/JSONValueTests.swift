import Foundation
import MemoryGraph
import SeededRandom
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    /// A random JSON value of at most `depth` levels.
    static func randomValue(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return .int(
                Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0..<64, using: &generator))
        case 3:
            let bits = UInt64.random(in: 0...UInt64.max, using: &generator)
            let number = Double(bitPattern: bits)
            return .double(number.isFinite ? number : Double.random(in: -1e6...1e6, using: &generator))
        case 4, 5:
            let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\u{0}", "\u{1F}", "é", "🧠", "/", "\t"]
            let length = Int.random(in: 0...12, using: &generator)
            return .string(String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }))
        case 6:
            let count = Int.random(in: 0...4, using: &generator)
            return .array((0..<count).map { _ in randomValue(depth: depth - 1, using: &generator) })
        default:
            let count = Int.random(in: 0...4, using: &generator)
            var members: [String: JSONValue] = [:]
            for index in 0..<count {
                members["k\(index)\(Int.random(in: 0...9, using: &generator))"] = randomValue(
                    depth: depth - 1, using: &generator)
            }
            return .object(members)
        }
    }

    @Test("random documents round-trip through the JSON text and through Codable", arguments: [1, 2, 3] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 4, using: &generator)
            let text = try value.jsonString()
            #expect(try JSONValue(jsonString: text) == value, "\(text)")
            let encoded = try JSONEncoder().encode(value)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: encoded)
            #expect(decoded.doubleValue == value.doubleValue)
            #expect(try decoded.jsonString() == text || Self.differsOnlyInNumberKind(decoded, value))
        }
    }

    /// JSONEncoder may write `1.0` as `1`; the numbers are still equal.
    private static func differsOnlyInNumberKind(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.int, .double), (.double, .int): lhs.doubleValue == rhs.doubleValue
        case (.array(let left), .array(let right)):
            left.count == right.count && zip(left, right).allSatisfy { differsOnlyInNumberKind($0, $1) || $0 == $1 }
        case (.object(let left), .object(let right)):
            left.keys == right.keys
                && left.allSatisfy { key, value in
                    right[key].map { differsOnlyInNumberKind(value, $0) || value == $0 } ?? false
                }
        default: lhs == rhs
        }
    }

    @Test("parsing keeps integers and fractions apart")
    func numberKinds() throws {
        let value = try JSONValue(jsonString: #"[1, 1.5, -0, 1e3, 12345678901234567890, 2.0, true, null]"#)
        #expect(value[0] == .int(1))
        #expect(value[1] == .double(1.5))
        #expect(value[2]?.doubleValue == 0)
        #expect(value[3]?.doubleValue == 1000)
        #expect(value[4] == .double(Double("12345678901234567890") ?? 0))
        #expect(value[5]?.doubleValue == 2)
        #expect(value[6] == .bool(true))
        #expect(value[7]?.isNull == true)
        #expect(try JSONValue.double(2).jsonString() == "2.0")
        #expect(try JSONValue(jsonString: "2.0") == .double(2))
        #expect(try JSONValue(jsonString: " \"\\ud83e\\udde0 \\u00e9\" ") == .string("🧠 é"))
    }

    @Test("literals, subscripts and accessors")
    func accessors() {
        let value: JSONValue = ["type": "plan", "confidence_score": 0.9, "steps": ["a", 2, nil, true]]
        #expect(value["type"]?.stringValue == "plan")
        #expect(value["confidence_score"]?.doubleValue == 0.9)
        #expect(value["steps"]?[1]?.intValue == 2)
        #expect(value["steps"]?[1]?.doubleValue == 2)
        #expect(value["steps"]?[2]?.isNull == true)
        #expect(value["steps"]?[3]?.boolValue == true)
        #expect(value["steps"]?[4] == nil)
        #expect(value["steps"]?[-1] == nil)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
        #expect(value["type"]?["x"] == nil)
        #expect(value.objectValue?.count == 3)
        #expect(value["steps"]?.arrayValue?.count == 4)
        #expect(value.stringValue == nil && value.intValue == nil && value.boolValue == nil)
    }

    @Test("the text form escapes what JSON requires and sorts keys")
    func text() throws {
        let value: JSONValue = ["b": "quote \" slash \\ newline \n nul \u{0} /", "a": [1, 2.5]]
        #expect(try value.jsonString() == #"{"a":[1,2.5],"b":"quote \" slash \\ newline \n nul \u0000 /"}"#)
        #expect(value.description == (try value.jsonString()))
    }

    @Test("bad text and non-finite numbers are clear errors")
    func errors() {
        for text in [
            "", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "01", "1.", "-", "1e", "[1] 2", "\"\\ud800\"",
            "\"\\x\"", "\"tab\there\"", "1e999", "{\"a\":1,}", "NaN",
        ] {
            #expect(throws: MemoryGraphError.self, "\(text)") { try JSONValue(jsonString: text) }
        }
        #expect(throws: MemoryGraphError.self) { try JSONValue.array([.double(.nan)]).jsonString() }
        #expect(throws: MemoryGraphError.self) { try JSONValue.double(.infinity).jsonData() }
    }
}
