package import Foundation

/// The fields of a wire object, read strictly: a missing field, a value of the wrong type or an
/// unknown key is an ``MemoryGraphError/Code/invalidArgument`` that names it.
package struct WireFields {
    private let fields: [String: JSONValue]
    private let what: String

    /// The fields of `value`, which must be a JSON object (called `what` in errors) with no keys
    /// outside `allowed`.
    package init(_ value: JSONValue, _ what: String, allowed: Set<String>) throws(MemoryGraphError) {
        guard let fields = value.objectValue else { throw Self.invalid("\(what) must be a JSON object") }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Self.invalid("\(what) has an unknown field \(unknown)")
        }
        self.fields = fields
        self.what = what
    }

    private static func invalid(_ message: String) -> MemoryGraphError {
        MemoryGraphError(.invalidArgument, message)
    }

    private func invalid(_ key: String, _ expected: String) -> MemoryGraphError {
        Self.invalid("\(what).\(key) must be \(expected)")
    }

    /// Whether `key` is present (`null` included).
    package func has(_ key: String) -> Bool { fields[key] != nil }

    /// The value of `key`, which must be present (it may be `null`).
    package func value(_ key: String) throws(MemoryGraphError) -> JSONValue {
        guard let value = fields[key] else { throw Self.invalid("\(what) has no field \(key)") }
        return value
    }

    /// The value of `key`, `nil` when it is absent or `null`.
    package func optional(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    /// A string.
    package func string(_ key: String) throws(MemoryGraphError) -> String {
        guard let text = try value(key).stringValue else { throw invalid(key, "a string") }
        return text
    }

    /// A string, or `nil` when absent or `null`.
    package func optionalString(_ key: String) throws(MemoryGraphError) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key)
    }

    /// An integer.
    package func int(_ key: String) throws(MemoryGraphError) -> Int {
        guard case .int(let number) = try value(key) else { throw invalid(key, "an integer") }
        return number
    }

    /// An integer, or `nil` when absent or `null`.
    package func optionalInt(_ key: String) throws(MemoryGraphError) -> Int? {
        guard optional(key) != nil else { return nil }
        return try int(key)
    }

    /// A number (an integer reads as the same `Double`), or `nil` when absent or `null`.
    package func optionalDouble(_ key: String) throws(MemoryGraphError) -> Double? {
        switch optional(key) {
        case nil: return nil
        case .double(let number): return number
        case .int(let number): return Double(number)
        default: throw invalid(key, "a number")
        }
    }

    /// A Boolean.
    package func bool(_ key: String) throws(MemoryGraphError) -> Bool {
        guard let flag = try value(key).boolValue else { throw invalid(key, "true or false") }
        return flag
    }

    /// A sequence number of the change log: an integer from 0.
    package func sequence(_ key: String) throws(MemoryGraphError) -> UInt64 {
        guard let sequence = UInt64(exactly: try int(key)) else { throw invalid(key, "an integer from 0") }
        return sequence
    }

    /// A time in whole microseconds since 1970.
    package func date(_ key: String) throws(MemoryGraphError) -> Date {
        WireFormat.date(microseconds: try int(key))
    }

    /// A time in whole microseconds since 1970, or `nil` when absent or `null`.
    package func optionalDate(_ key: String) throws(MemoryGraphError) -> Date? {
        try optionalInt(key).map(WireFormat.date(microseconds:))
    }

    /// An id in its string form.
    package func id<Kind>(_ key: String) throws(MemoryGraphError) -> TimeOrderedID<Kind> {
        guard let id = TimeOrderedID<Kind>(try string(key)) else { throw invalid(key, "an id (a UUID)") }
        return id
    }

    /// An id, or `nil` when absent or `null`.
    package func optionalID<Kind>(_ key: String) throws(MemoryGraphError) -> TimeOrderedID<Kind>? {
        guard optional(key) != nil else { return nil }
        return try id(key)
    }

    /// An array of ids.
    package func ids<Kind>(_ key: String) throws(MemoryGraphError) -> [TimeOrderedID<Kind>] {
        var ids: [TimeOrderedID<Kind>] = []
        for item in try array(key) {
            guard let text = item.stringValue, let id = TimeOrderedID<Kind>(text) else {
                throw invalid(key, "an array of ids (UUIDs)")
            }
            ids.append(id)
        }
        return ids
    }

    /// An array of strings.
    package func strings(_ key: String) throws(MemoryGraphError) -> [String] {
        var strings: [String] = []
        for item in try array(key) {
            guard let text = item.stringValue else { throw invalid(key, "an array of strings") }
            strings.append(text)
        }
        return strings
    }

    /// A set of names, `nil` when absent or `null` (no restriction).
    package func names(_ key: String) throws(MemoryGraphError) -> Set<String>? {
        guard optional(key) != nil else { return nil }
        return Set(try strings(key))
    }

    /// A vector: an array of numbers, each read as a `Float` (the nearest one).
    package func vector(_ key: String) throws(MemoryGraphError) -> [Float] {
        var vector: [Float] = []
        for item in try array(key) {
            guard let number = item.doubleValue, item.boolValue == nil else {
                throw invalid(key, "an array of numbers")
            }
            vector.append(Float(number))
        }
        return vector
    }

    /// A vector, or `nil` when absent or `null`.
    package func optionalVector(_ key: String) throws(MemoryGraphError) -> [Float]? {
        guard optional(key) != nil else { return nil }
        return try vector(key)
    }

    /// An array.
    package func array(_ key: String) throws(MemoryGraphError) -> [JSONValue] {
        guard let items = try value(key).arrayValue else { throw invalid(key, "an array") }
        return items
    }

    /// An object.
    package func object(_ key: String) throws(MemoryGraphError) -> [String: JSONValue] {
        guard let members = try value(key).objectValue else { throw invalid(key, "a JSON object") }
        return members
    }

    /// A value of a wire type.
    package func decode<T: WireCodable>(_ key: String) throws(MemoryGraphError) -> T {
        try T(wire: try value(key))
    }

    /// A value of a wire type, or `nil` when absent or `null`.
    package func optionalDecode<T: WireCodable>(_ key: String) throws(MemoryGraphError) -> T? {
        guard let value = optional(key) else { return nil }
        return try T(wire: value)
    }

    /// An array of values of a wire type.
    package func list<T: WireCodable>(_ key: String) throws(MemoryGraphError) -> [T] {
        var items: [T] = []
        for item in try array(key) { items.append(try T(wire: item)) }
        return items
    }
}
