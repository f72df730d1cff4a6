public import Foundation

/// New content for a node: what ``MemoryGraph/updateNode(_:result:metadata:expiry:embedding:expectedVersion:)``
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
    /// A new expiry, or none (``Expiry/never``); `nil` keeps the stored one.
    public var expiry: Expiry?
    /// A new embedding, or none; `nil` keeps the stored one.
    public var embedding: EmbeddingChange?

    /// When a node expires, as an update sets it.
    public enum Expiry: Hashable, Sendable, Codable {
        /// At this moment, which must be in the future and before 2100 (see ``NodeDraft/expiresAt``).
        case at(Date)
        /// Never: the node stays until it is removed.
        case never

        /// The moment, `nil` for ``never``.
        public var date: Date? {
            if case .at(let date) = self { return date }
            return nil
        }
    }

    /// How an update changes a node's embedding.
    public enum EmbeddingChange: Hashable, Sendable, Codable {
        /// Store this vector, of the store's dimension (see ``NodeDraft/embedding``).
        case set([Float])
        /// Remove the embedding: vector searches no longer find the node.
        case remove

        /// The vector, `nil` for ``remove``.
        public var vector: [Float]? {
            if case .set(let vector) = self { return vector }
            return nil
        }
    }

    /// Creates an update; give at least one of the fields.
    public init(
        result: JSONValue? = nil, metadata: [String: JSONValue]? = nil, expiry: Expiry? = nil,
        embedding: EmbeddingChange? = nil
    ) {
        self.result = result
        self.metadata = metadata
        self.expiry = expiry
        self.embedding = embedding
    }
}
