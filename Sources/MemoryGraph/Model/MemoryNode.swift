public import Foundation

/// One memory: what an agent produced for a task context, with its links to other nodes.
///
/// ```swift
/// if let node = try graph.node(id) {
///     print(node.agentID, node.type ?? "-", node.confidence ?? 0, node.result["summary"] ?? nil)
/// }
/// ```
public struct MemoryNode: Identifiable, Hashable, Sendable, Codable {
    /// The node's id (UUID version 7).
    public var id: NodeID
    /// The agent that wrote the node.
    public var agentID: String
    /// The task context the node belongs to.
    public var taskContext: String
    /// The agent's result; by convention an object with `type` and `confidence_score` fields.
    public var result: JSONValue
    /// When the node was written (or the timestamp the writer supplied), to the microsecond.
    public var timestamp: Date
    /// Free-form metadata.
    public var metadata: [String: JSONValue]
    /// The nodes this node links to, in id order.
    public var links: [NodeID]

    /// Creates a node value.
    public init(
        id: NodeID, agentID: String, taskContext: String, result: JSONValue, timestamp: Date,
        metadata: [String: JSONValue] = [:], links: [NodeID] = []
    ) {
        self.id = id
        self.agentID = agentID
        self.taskContext = taskContext
        self.result = result
        self.timestamp = timestamp
        self.metadata = metadata
        self.links = links
    }

    /// `result["type"]` when it is a string.
    public var type: String? { result["type"]?.stringValue }

    /// `result["confidence_score"]` when it is a number.
    public var confidence: Double? { result["confidence_score"]?.doubleValue }
}
