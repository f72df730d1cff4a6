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
        var version: Int
        var updatedAt: Date
        var expiresAt: Date?
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
    /// The node's version: 1 when it was added, one more on each update of its result or
    /// metadata. What ``MemoryGraph/updateNode(_:result:metadata:expiry:embedding:expectedVersion:)`` compares.
    public var version: Int {
        get { storage.fields.version }
        set { set(\.version, newValue) }
    }
    /// When the result or metadata last changed, to the microsecond: the ``timestamp`` until
    /// the first update.
    public var updatedAt: Date {
        get { storage.fields.updatedAt }
        set { set(\.updatedAt, newValue) }
    }
    /// When the node expires, to the microsecond; `nil` when it never does. From that moment
    /// no read returns it, and the store soon removes it (``GraphChange/Kind/nodeExpired``).
    public var expiresAt: Date? {
        get { storage.fields.expiresAt }
        set { set(\.expiresAt, newValue) }
    }

    /// Creates a node value; `updatedAt` `nil` means `timestamp`.
    public init(
        id: NodeID, agentID: String, taskContext: String, result: JSONValue, timestamp: Date,
        metadata: [String: JSONValue] = [:], links: [NodeID] = [], version: Int = 1, updatedAt: Date? = nil,
        expiresAt: Date? = nil
    ) {
        self.init(
            id: id, agentID: agentID, taskContext: taskContext, timestamp: timestamp, links: links,
            revision: NodeRevision(version: version, updatedAt: updatedAt ?? timestamp),
            payload: NodePayload(result: result, metadata: metadata), expiresAt: expiresAt)
    }

    /// A node whose result and metadata are `payload`.
    package init(
        id: NodeID, agentID: String, taskContext: String, timestamp: Date, links: [NodeID], revision: NodeRevision,
        payload: NodePayload, expiresAt: Date? = nil
    ) {
        storage = Storage(
            Fields(
                id: id, agentID: agentID, taskContext: taskContext, timestamp: timestamp, links: links,
                version: revision.version, updatedAt: revision.updatedAt, expiresAt: expiresAt), payload)
    }

    /// The node's ``version`` and ``updatedAt``.
    public var revision: NodeRevision { NodeRevision(version: version, updatedAt: updatedAt) }

    /// This node with `update` applied at `revision`: its result and metadata replaced where
    /// the update gives them.
    package func updated(_ update: NodeUpdate, revision: NodeRevision) -> MemoryNode {
        let values = storage.values
        return MemoryNode(
            id: id, agentID: agentID, taskContext: taskContext, timestamp: timestamp, links: links,
            revision: revision,
            payload: NodePayload(result: update.result ?? values.result, metadata: update.metadata ?? values.metadata),
            expiresAt: update.expiry.map { $0.date.map { Microseconds(nearest: $0).date } } ?? expiresAt)
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
        case id, agentID, taskContext, result, timestamp, metadata, links, version, updatedAt, expiresAt
    }

    /// Decodes a node from the keys `id`, `agentID`, `taskContext`, `result`, `timestamp`,
    /// `metadata`, `links`, `version` and `updatedAt` (the last two optional: 1 and the timestamp).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let timestamp = try container.decode(Date.self, forKey: .timestamp)
        self.init(
            id: try container.decode(NodeID.self, forKey: .id),
            agentID: try container.decode(String.self, forKey: .agentID),
            taskContext: try container.decode(String.self, forKey: .taskContext),
            result: try container.decode(JSONValue.self, forKey: .result),
            timestamp: timestamp,
            metadata: try container.decode([String: JSONValue].self, forKey: .metadata),
            links: try container.decode([NodeID].self, forKey: .links),
            version: try container.decodeIfPresent(Int.self, forKey: .version) ?? 1,
            updatedAt: try container.decodeIfPresent(Date.self, forKey: .updatedAt) ?? timestamp,
            expiresAt: try container.decodeIfPresent(Date.self, forKey: .expiresAt))
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
        try container.encode(version, forKey: .version)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
    }

    /// `result["type"]` when it is a string.
    public var type: String? { result["type"]?.stringValue }

    /// `result["confidence_score"]` when it is a number.
    public var confidence: Double? { result["confidence_score"]?.doubleValue }
}
