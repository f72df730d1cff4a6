public import Foundation
import Synchronization

/// One memory: what an agent produced for a task context, with its links to other nodes.
///
/// ```swift
/// if let node = try graph.node(id) {
///     print(node.agentID, node.type ?? "-", node.confidence ?? 0, node.result["summary"] ?? nil)
/// }
/// ```
public struct MemoryNode: Identifiable, Hashable, Sendable, Codable {
    /// The fields other than the payload.
    private struct Fields: Hashable, Sendable {
        var id: NodeID
        var agentID: String
        var taskContext: String
        var timestamp: Date
        var links: [NodeID]
    }

    /// The fields and the payload behind one reference, so copying a node (out of the cache,
    /// into a result array) costs one retain instead of one per field. A change replaces the
    /// storage.
    private final class Storage: Sendable {
        let fields: Fields
        let payload: NodePayload
        /// The stored payload's values once decoded: on first use (without a lock: two threads
        /// that decode at once keep the first result), then shared by every copy.
        private let known = AtomicLazyReference<DecodedValues>()

        init(_ fields: Fields, _ payload: NodePayload, known values: DecodedValues? = nil) {
            self.fields = fields
            self.payload = payload
            if let values { _ = known.storeIfNil(values) }
        }

        /// The result and metadata: those the payload was built from, or its bytes decoded on
        /// the first call.
        var values: NodePayload.Values {
            if let values = payload.values { return values }
            if let known = known.load() { return known.values }
            return known.storeIfNil(DecodedValues(payload.decode())).values
        }

        /// The values if they were decoded already, without decoding them.
        var decodedValues: DecodedValues? { known.load() }
    }

    /// A payload's decoded values, shared by reference.
    private final class DecodedValues: Sendable {
        let values: NodePayload.Values
        init(_ values: NodePayload.Values) { self.values = values }
    }

    private var storage: Storage

    private mutating func set<Value>(_ field: WritableKeyPath<Fields, Value>, _ value: Value) {
        var fields = storage.fields
        fields[keyPath: field] = value
        storage = Storage(fields, storage.payload, known: storage.decodedValues)
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
    ///
    /// A node read from the store decodes its result and metadata on the first access (the
    /// stored bytes were checked when the node was read).
    public var result: JSONValue {
        get { storage.values.result }
        set { storage = Storage(storage.fields, NodePayload(result: newValue, metadata: metadata)) }
    }
    /// When the node was written (or the timestamp the writer supplied), to the microsecond.
    public var timestamp: Date {
        get { storage.fields.timestamp }
        set { set(\.timestamp, newValue) }
    }
    /// Free-form metadata.
    public var metadata: [String: JSONValue] {
        get { storage.values.metadata }
        set { storage = Storage(storage.fields, NodePayload(result: result, metadata: newValue)) }
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
        self.init(
            id: id, agentID: agentID, taskContext: taskContext, timestamp: timestamp, links: links,
            payload: NodePayload(result: result, metadata: metadata))
    }

    /// A node whose result and metadata are `payload`.
    package init(
        id: NodeID, agentID: String, taskContext: String, timestamp: Date, links: [NodeID], payload: NodePayload
    ) {
        storage = Storage(
            Fields(id: id, agentID: agentID, taskContext: taskContext, timestamp: timestamp, links: links), payload)
    }

    /// Whether every field of the two nodes is equal.
    public static func == (lhs: MemoryNode, rhs: MemoryNode) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.storage.fields == rhs.storage.fields && lhs.result == rhs.result && lhs.metadata == rhs.metadata)
    }

    /// Hashes every field.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
        hasher.combine(result)
        hasher.combine(metadata)
    }

    private enum CodingKeys: String, CodingKey {
        case id, agentID, taskContext, result, timestamp, metadata, links
    }

    /// Decodes a node from the keys `id`, `agentID`, `taskContext`, `result`, `timestamp`,
    /// `metadata` and `links`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(NodeID.self, forKey: .id),
            agentID: try container.decode(String.self, forKey: .agentID),
            taskContext: try container.decode(String.self, forKey: .taskContext),
            result: try container.decode(JSONValue.self, forKey: .result),
            timestamp: try container.decode(Date.self, forKey: .timestamp),
            metadata: try container.decode([String: JSONValue].self, forKey: .metadata),
            links: try container.decode([NodeID].self, forKey: .links))
    }

    /// Encodes the node under the keys ``init(from:)`` reads.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(agentID, forKey: .agentID)
        try container.encode(taskContext, forKey: .taskContext)
        try container.encode(result, forKey: .result)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(links, forKey: .links)
    }

    /// `result["type"]` when it is a string.
    public var type: String? { result["type"]?.stringValue }

    /// `result["confidence_score"]` when it is a number.
    public var confidence: Double? { result["confidence_score"]?.doubleValue }
}
