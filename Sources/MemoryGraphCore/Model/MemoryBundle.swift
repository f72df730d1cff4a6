public import Foundation

/// A named group of nodes for one task.
public struct MemoryBundle: Identifiable, Hashable, Sendable, Codable {
    /// The bundle's id (UUID version 7).
    public var id: BundleID
    /// The task the bundle belongs to.
    public var taskID: String
    /// The agents involved.
    public var agentIDs: [String]
    /// The task contexts involved.
    public var contexts: [String]
    /// The nodes, in the order they were added.
    public var nodeIDs: [NodeID]
    /// When the bundle was created, to the microsecond.
    public var createdAt: Date
    /// Free-form metadata.
    public var metadata: [String: JSONValue]

    /// Creates a bundle value.
    public init(
        id: BundleID, taskID: String, agentIDs: [String], contexts: [String], nodeIDs: [NodeID],
        createdAt: Date, metadata: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.taskID = taskID
        self.agentIDs = agentIDs
        self.contexts = contexts
        self.nodeIDs = nodeIDs
        self.createdAt = createdAt
        self.metadata = metadata
    }
}
