public import MemoryGraphCore

/// One argument a tool takes: its name, what values it accepts and what it means. The tool's
/// input schema and the checking of the arguments a client sends both come from these.
public struct ToolParameter: Sendable {
    /// What values an argument accepts.
    public enum Kind: Sendable {
        /// A non-empty string of at most ``Limits/maximumNameLength`` UTF-8 bytes (an agent,
        /// a task context, a type).
        case name
        /// A non-empty string (a cursor, a search text).
        case token
        /// A JSON object.
        case object
        /// An integer in the range.
        case integer(ClosedRange<Int>)
        /// A number in the range.
        case number(ClosedRange<Double>)
        /// A node id.
        case nodeID
        /// A bundle id.
        case bundleID
        /// 1 to `maxCount` node ids.
        case nodeIDs(maxCount: Int)
        /// 1 to `maxCount` names.
        case names(maxCount: Int)
        /// An ISO 8601 time.
        case time
        /// One of these strings.
        case choice([String])
        /// An embedding: 1 to ``Embedding/maximumDimension`` finite numbers.
        case vector
    }

    /// The argument's name, as clients send it (snake_case).
    public let name: String
    /// What values it accepts.
    public let kind: Kind
    /// Whether a call must give it.
    public let isRequired: Bool
    /// Whether `null` is accepted too (and means something: "clear", say).
    public let isNullable: Bool
    /// What it means, for the schema's `description`.
    public let summary: String

    /// Declares an argument.
    public init(_ name: String, _ kind: Kind, required: Bool = false, nullable: Bool = false, _ summary: String) {
        self.name = name
        self.kind = kind
        self.isRequired = required
        self.isNullable = nullable
        self.summary = summary
    }

    /// The JSON Schema of the argument's values.
    public var schema: JSONValue {
        var schema: [String: JSONValue]
        switch kind {
        case .name: schema = Self.nameSchema
        case .token: schema = ["type": "string", "minLength": 1]
        case .object: schema = ["type": "object"]
        case .integer(let range):
            schema = ["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
        case .number(let range):
            schema = [
                "type": "number", "minimum": .double(range.lowerBound), "maximum": .double(range.upperBound),
            ]
        case .nodeID, .bundleID: schema = ["type": "string", "format": "uuid"]
        case .nodeIDs(let maxCount):
            schema = [
                "type": "array", "items": ["type": "string", "format": "uuid"], "minItems": 1,
                "maxItems": .int(maxCount),
            ]
        case .names(let maxCount):
            schema = ["type": "array", "items": .object(Self.nameSchema), "minItems": 1, "maxItems": .int(maxCount)]
        case .time: schema = ["type": "string", "format": "date-time"]
        case .choice(let values): schema = ["type": "string", "enum": .array(values.map { .string($0) })]
        case .vector:
            schema = [
                "type": "array", "items": ["type": "number"], "minItems": 1,
                "maxItems": .int(Embedding.maximumDimension),
            ]
        }
        if isNullable, let type = schema["type"]?.stringValue { schema["type"] = [.string(type), "null"] }
        schema["description"] = .string(summary)
        return .object(schema)
    }

    private static let nameSchema: [String: JSONValue] = [
        "type": "string", "minLength": 1, "maxLength": .int(Limits.maximumNameLength),
    ]

    /// What the argument expects, in words, for error messages.
    var expectation: String {
        let what: String
        switch kind {
        case .name: what = "a non-empty string of at most \(Limits.maximumNameLength) bytes"
        case .token: what = "a non-empty string"
        case .object: what = "a JSON object"
        case .integer(let range): what = "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range): what = "a number from \(range.lowerBound) to \(range.upperBound)"
        case .nodeID: what = "a node id (a UUID string)"
        case .bundleID: what = "a bundle id (a UUID string)"
        case .nodeIDs(let maxCount): what = "an array of 1 to \(maxCount) node ids (UUID strings)"
        case .names(let maxCount): what = "an array of 1 to \(maxCount) non-empty strings"
        case .time: what = "an ISO 8601 time such as 2026-12-06T09:30:00Z"
        case .choice(let values): what = "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        case .vector: what = "an array of 1 to \(Embedding.maximumDimension) finite numbers"
        }
        return isNullable ? what + ", or null" : what
    }
}
