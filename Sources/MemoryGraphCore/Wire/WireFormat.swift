package import Foundation

/// The JSON of the store endpoints of `memory-graph serve` (`/v1/store/…`), which the remote
/// backend speaks: one shape per model type, written and read by the library's own JSON text
/// form, so that every value crosses unchanged.
///
/// Exactness is the point: the remote store must answer as the store behind the service does.
/// Numbers keep their kind (`1` is an integer, `1.0` a floating-point number, and each reads
/// back as written); times are whole microseconds since 1970 (`…_us` fields), the precision
/// every store keeps; ids are their standard string forms; query cursors their opaque strings.
package enum WireFormat {
    /// The deepest nesting a wire document may have: a node's JSON at its deepest, inside the
    /// few levels of the document around it.
    package static let maximumDepth = BinaryJSON.maximumDepth + 8

    /// Parses a wire document.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` naming what is wrong with the text.
    package static func parse(_ bytes: [UInt8]) throws(MemoryGraphError) -> JSONValue {
        try JSONParser.parse(bytes, maximumDepth: maximumDepth)
    }

    /// `date` as whole microseconds since 1970, the nearest one: what a store keeps of it.
    package static func microseconds(_ date: Date) -> JSONValue {
        .int(Int(Microseconds(nearest: date).value))
    }

    /// The date of `microseconds` since 1970, the same `Date` a store gives for that microsecond.
    package static func date(microseconds: Int) -> Date {
        Microseconds(Int64(microseconds)).date
    }

    /// A sequence number of the change log as JSON.
    package static func sequence(_ sequence: UInt64) -> JSONValue {
        .int(Int(clamping: sequence))
    }

    /// The JSON array of `items`' wire forms.
    package static func array<T: WireCodable>(_ items: some Sequence<T>) -> JSONValue {
        .array(items.map(\.wire))
    }

    /// The JSON array of a vector's components, each as the shortest decimal that reads back as
    /// the same `Float`.
    package static func vector(_ vector: [Float]) -> JSONValue {
        .array(vector.map { .double(Double("\($0)") ?? Double($0)) })
    }

    /// The JSON array of ids' string forms.
    package static func ids<Kind>(_ ids: some Sequence<TimeOrderedID<Kind>>) -> JSONValue {
        .array(ids.map { .string($0.description) })
    }

    /// A set of names as a sorted JSON array, or `null` for `nil` (no restriction).
    package static func names(_ names: Set<String>?) -> JSONValue {
        names.map { .array($0.sorted().map(JSONValue.string)) } ?? .null
    }

    /// `members` without the `null` ones: optional fields are left out when absent. (Only for
    /// objects whose fields cannot hold JSON `null` as a value of their own.)
    package static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.filter { $0.value != .null })
    }
}

/// A value with a wire form: a JSON value it turns into and is read back from exactly.
package protocol WireCodable {
    /// Reads the value from its wire form.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` naming the field that is wrong.
    init(wire: JSONValue) throws(MemoryGraphError)
    /// The wire form.
    var wire: JSONValue { get }
}
