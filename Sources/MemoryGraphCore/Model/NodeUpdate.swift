/// New content for a node: what ``MemoryGraph/updateNode(_:result:metadata:expectedVersion:)``
/// writes and a ``MemoryGraph/modify(_:_:)`` closure returns.
///
/// A field left `nil` keeps the stored value; the node's id, agent, context, timestamp and
/// links never change through an update.
///
/// ```swift
/// try graph.modify(counterID) { node in
///     let count = node.result["count"]?.intValue ?? 0
///     return NodeUpdate(result: ["type": "counter", "count": .int(count + 1)])
/// }
/// ```
public struct NodeUpdate: Hashable, Sendable, Codable {
    /// The new result, with the rules of ``NodeDraft/result``; `nil` keeps the stored one.
    public var result: JSONValue?
    /// The new metadata, replacing the stored metadata as a whole; `nil` keeps it.
    public var metadata: [String: JSONValue]?

    /// Creates an update; give at least one of the fields.
    public init(result: JSONValue? = nil, metadata: [String: JSONValue]? = nil) {
        self.result = result
        self.metadata = metadata
    }
}
