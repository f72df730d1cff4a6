public import Foundation

/// One memory: what an agent produced for a task context, with its links to other nodes.
///
/// ```swift
/// if let node = try graph.node(id) {
///     print(node.agentID, node.type ?? "-", node.confidence ?? 0, node.result["summary"] ?? nil)
/// }
/// ```
public struct MemoryNode: Identifiable, Hashable, Sendable, Codable {
    /// The stored fields; their names are the node's Codable keys.
    private struct Fields: Hashable, Sendable, Codable {
        var id: NodeID
        var agentID: String
        var taskContext: String
        var result: JSONValue
        var timestamp: Date
        var metadata: [String: JSONValue]
        var links: [NodeID]
    }

    /// The fields behind one reference, so copying a node (out of the cache, into a result
    /// array) costs one retain instead of one per field. A change replaces the storage.
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    private mutating func set<Value>(_ field: WritableKeyPath<Fields, Value>, _ value: Value) {
        var fields = storage.fields
        fields[keyPath: field] = value
        storage = Storage(fields)
    }

    /// The node's id (UUID version 7).
    public var id: NodeID {
        get { storage.fields.id }
        set { set(\.id, newValue) }
    }
    /// The agent that wrote the node.
    public var agentID: String {
        get { storage.fields.agentID }
        set { set(\.agentID, newValue) }
    }
    /// The task context the node belongs to.
    public var taskContext: String {
        get { storage.fields.taskContext }
        set { set(\.taskContext, newValue) }
    }
    /// The agent's result; by convention an object with `type` and `confidence_score` fields.
    public var result: JSONValue {
        get { storage.fields.result }
        set { set(\.result, newValue) }
    }
    /// When the node was written (or the timestamp the writer supplied), to the microsecond.
    public var timestamp: Date {
        get { storage.fields.timestamp }
        set { set(\.timestamp, newValue) }
    }
    /// Free-form metadata.
    public var metadata: [String: JSONValue] {
        get { storage.fields.metadata }
        set { set(\.metadata, newValue) }
    }
    /// The nodes this node links to, in id order.
    public var links: [NodeID] {
        get { storage.fields.links }
        set { set(\.links, newValue) }
    }

    /// Creates a node value.
    public init(
        id: NodeID, agentID: String, taskContext: String, result: JSONValue, timestamp: Date,
        metadata: [String: JSONValue] = [:], links: [NodeID] = []
    ) {
        storage = Storage(
            Fields(
                id: id, agentID: agentID, taskContext: taskContext, result: result, timestamp: timestamp,
                metadata: metadata, links: links))
    }

    /// Whether every field of the two nodes is equal.
    public static func == (lhs: MemoryNode, rhs: MemoryNode) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes every field.
    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
    }

    /// Decodes a node from the keys `id`, `agentID`, `taskContext`, `result`, `timestamp`,
    /// `metadata` and `links`.
    public init(from decoder: any Decoder) throws {
        storage = Storage(try Fields(from: decoder))
    }

    /// Encodes the node under the keys ``init(from:)`` reads.
    public func encode(to encoder: any Encoder) throws {
        try storage.fields.encode(to: encoder)
    }

    /// `result["type"]` when it is a string.
    public var type: String? { result["type"]?.stringValue }

    /// `result["confidence_score"]` when it is a number.
    public var confidence: Double? { result["confidence_score"]?.doubleValue }
}
