public import Foundation

/// A node to add: everything but the id, which the store assigns unless given.
///
/// ```swift
/// let ids = try graph.addNodes([
///     NodeDraft(agentID: "scout", taskContext: "trip-42", result: ["type": "observation"]),
///     NodeDraft(agentID: "critic", taskContext: "trip-42", result: ["type": "critique"], links: [planID]),
/// ])
/// ```
public struct NodeDraft: Hashable, Sendable, Codable {
    /// The id to store the node under (for imports); `nil` assigns a new UUID version 7.
    public var id: NodeID?
    /// The agent writing the node; 1…256 UTF-8 bytes.
    public var agentID: String
    /// The task context; 1…256 UTF-8 bytes.
    public var taskContext: String
    /// The result. When it is an object, `type` must be a string and `confidence_score` a number
    /// in [0, 1] if present.
    public var result: JSONValue
    /// Free-form metadata.
    public var metadata: [String: JSONValue]
    /// Nodes this node links to; each must exist (or be added earlier in the same call).
    public var links: [NodeID]
    /// The node's timestamp, from 1900-01-01 up to 2100-01-01 (UTC), kept to the microsecond;
    /// `nil` means now.
    public var timestamp: Date?
    /// The version and update time to store the node with (for imports: a restore or a copy
    /// keeps them); `nil` stores version 1, updated at the timestamp.
    public var revision: NodeRevision?
    /// When the node expires: from that moment no read returns it, and the store removes it
    /// soon after, as ``MemoryGraph/removeNode(_:)`` would (logged as
    /// ``GraphChange/Kind/nodeExpired``). It must be in the future and before 2100-01-01 UTC;
    /// kept to the microsecond. `nil` (the default): the node never expires.
    public var expiresAt: Date?
    /// The node's embedding: a vector the caller computed (the library computes none), of the
    /// store's one dimension (see ``Embedding``), for ``MemoryGraph/search(_:)`` by
    /// ``SearchRequest/nearest``. `nil` (the default): the node has none.
    public var embedding: [Float]?

    /// Creates a draft.
    public init(
        id: NodeID? = nil, agentID: String, taskContext: String, result: JSONValue,
        metadata: [String: JSONValue] = [:], links: [NodeID] = [], timestamp: Date? = nil,
        revision: NodeRevision? = nil, expiresAt: Date? = nil, embedding: [Float]? = nil
    ) {
        self.id = id
        self.agentID = agentID
        self.taskContext = taskContext
        self.result = result
        self.metadata = metadata
        self.links = links
        self.timestamp = timestamp
        self.revision = revision
        self.expiresAt = expiresAt
        self.embedding = embedding
    }

    /// Whether a stored `node` with `storedEmbedding` holds what this draft would store: the same
    /// agent, context, result, metadata, links, expiry and embedding (the timestamp and revision
    /// are not compared: a retried add without a timestamp is stamped anew). An add of a draft
    /// whose id exists with this content succeeds without a change, so that a retried request
    /// adds nothing twice.
    package func matches(_ node: MemoryNode, embedding storedEmbedding: [Float]?) -> Bool {
        storedEmbedding == embedding && node.agentID == agentID && node.taskContext == taskContext
            && node.links == Array(Set(links)).sorted()
            && node.result == result && node.metadata == metadata
            && node.expiresAt == expiresAt.flatMap(Microseconds.init)?.date
    }
}
