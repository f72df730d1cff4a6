public import Foundation
public import MemoryGraphCore

/// The arguments of one tool call, checked against the tool's parameters: no unknown names,
/// every required one present, each value of its parameter's kind. A failed check is a
/// ``MemoryGraphError/Code/invalidArgument`` error that names the argument and says what it
/// expects; the typed accessors then read values already checked.
public struct ToolArguments: Sendable {
    /// The tool the arguments are for.
    public let tool: String
    private let values: [String: JSONValue]

    /// Checks `values` against `parameters`.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for an unknown or missing argument or
    ///   a value of the wrong kind.
    public init(tool: String, parameters: [ToolParameter], values: [String: JSONValue]) throws {
        self.tool = tool
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        for name in values.keys.sorted() where byName[name] == nil {
            let known = parameters.map(\.name).joined(separator: ", ")
            throw MemoryGraphError(
                .invalidArgument, "tool \(tool) has no argument \(name); it takes \(known.isEmpty ? "none" : known)")
        }
        for parameter in parameters {
            guard let value = values[parameter.name] else {
                if parameter.isRequired {
                    throw MemoryGraphError(
                        .invalidArgument,
                        "tool \(tool) needs argument \(parameter.name): \(parameter.expectation) (\(parameter.summary))"
                    )
                }
                continue
            }
            if value.isNull, parameter.isNullable { continue }
            guard Self.accepts(value, parameter.kind) else {
                throw MemoryGraphError(
                    .invalidArgument,
                    "argument \(parameter.name) of tool \(tool) must be \(parameter.expectation), not \(Self.shown(value))"
                )
            }
        }
        self.values = values
    }

    /// Whether argument `name` was given (`null` included).
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// Whether argument `name` was given as `null`.
    public func isNull(_ name: String) -> Bool { values[name]?.isNull == true }

    /// A string argument (``ToolParameter/Kind/name``, `token` or `choice`).
    public func string(_ name: String) -> String? { values[name]?.stringValue }

    /// An object argument.
    public func object(_ name: String) -> [String: JSONValue]? { values[name]?.objectValue }

    /// An integer argument.
    public func int(_ name: String) -> Int? { values[name].flatMap(Self.integer) }

    /// A number argument.
    public func number(_ name: String) -> Double? { values[name]?.doubleValue }

    /// A node id argument.
    public func nodeID(_ name: String) -> NodeID? { string(name).flatMap(NodeID.init) }

    /// A bundle id argument.
    public func bundleID(_ name: String) -> BundleID? { string(name).flatMap(BundleID.init) }

    /// A node id array argument.
    public func nodeIDs(_ name: String) -> [NodeID]? {
        values[name]?.arrayValue?.compactMap { $0.stringValue.flatMap(NodeID.init) }
    }

    /// A string array argument.
    public func strings(_ name: String) -> [String]? { values[name]?.arrayValue?.compactMap(\.stringValue) }

    /// A vector argument (an embedding), each number as the nearest `Float`.
    public func vector(_ name: String) -> [Float]? {
        values[name]?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) }
    }

    /// A time argument.
    public func time(_ name: String) -> Date? { string(name).flatMap(MemoryJSON.date) }

    /// `value`, or an ``MemoryGraphError/Code/invalidArgument`` error naming the missing argument.
    public func required<Value>(_ value: Value?, _ name: String) throws -> Value {
        guard let value else { throw MemoryGraphError(.invalidArgument, "tool \(tool) needs argument \(name)") }
        return value
    }

    // MARK: Checking

    private static func accepts(_ value: JSONValue, _ kind: ToolParameter.Kind) -> Bool {
        switch kind {
        case .name: return value.stringValue.map(isName) ?? false
        case .token: return value.stringValue?.isEmpty == false
        case .object: return value.objectValue != nil
        case .integer(let range): return integer(value).map(range.contains) ?? false
        case .number(let range):
            guard case .double = value else { return value.intValue.map { range.contains(Double($0)) } ?? false }
            return value.doubleValue.map { $0.isFinite && range.contains($0) } ?? false
        case .nodeID: return value.stringValue.flatMap(NodeID.init) != nil
        case .bundleID: return value.stringValue.flatMap(BundleID.init) != nil
        case .nodeIDs(let maxCount):
            guard let items = value.arrayValue, (1...maxCount).contains(items.count) else { return false }
            return items.allSatisfy { $0.stringValue.flatMap(NodeID.init) != nil }
        case .names(let maxCount):
            guard let items = value.arrayValue, (1...maxCount).contains(items.count) else { return false }
            return items.allSatisfy { $0.stringValue.map(isName) ?? false }
        case .time: return value.stringValue.flatMap(MemoryJSON.date) != nil
        case .choice(let choices): return value.stringValue.map(choices.contains) ?? false
        case .vector:
            guard let items = value.arrayValue, (1...Embedding.maximumDimension).contains(items.count) else {
                return false
            }
            return items.allSatisfy { item in
                item.boolValue == nil && item.doubleValue.map { Float($0).isFinite } == true
            }
        }
    }

    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= Limits.maximumNameLength
    }

    /// An integer, also when a client sent it as a number with no fraction (2.0).
    private static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 0x1p53: return Int(number)
        default: return nil
        }
    }

    /// `value` for an error message: its JSON, shortened.
    private static func shown(_ value: JSONValue) -> String {
        let text = value.description
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}
