public import Foundation

/// One entry of a store's change log: what one committed mutation changed.
///
/// Every commit appends one entry per change, in the same transaction as the change, numbered
/// by ``sequence`` in commit order. Read them with ``MemoryGraph/changes(after:matching:)``.
///
/// | kind | ``nodeID`` | ``targetID`` | ``bundleID`` | ``agentID``, ``taskContext`` | ``version`` |
/// |---|---|---|---|---|---|
/// | ``Kind/nodeAdded`` | the node | – | – | the node's | 1 (or the imported version) |
/// | ``Kind/nodeUpdated`` | the node | – | – | the node's | the new version |
/// | ``Kind/nodeRemoved``, ``Kind/nodeExpired`` | the node | – | – | the node's | its last version |
/// | ``Kind/linked``, ``Kind/unlinked`` | the link's source | the link's target | – | the source's | – |
/// | ``Kind/bundleCreated``, ``Kind/bundleChanged``, ``Kind/bundleRemoved`` | – | – | the bundle | – | – |
///
/// A removal (or expiry) has one entry: the links and bundle memberships that go with the node
/// have none of their own. An add that stored nothing (a retried add of an identical node), a
/// link that existed, an unlink or removal of something absent add no entry.
public struct GraphChange: Sendable, Hashable, Codable {
    /// What kind of change an entry records.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A node was added.
        case nodeAdded
        /// A node's result or metadata was replaced (``MemoryGraph/updateNode(_:result:metadata:expiry:embedding:expectedVersion:)``).
        case nodeUpdated
        /// A node was removed (``MemoryGraph/removeNode(_:)`` or a forget).
        case nodeRemoved
        /// A node expired and the store removed it.
        case nodeExpired
        /// A link was added.
        case linked
        /// A link was removed.
        case unlinked
        /// A bundle was created.
        case bundleCreated
        /// Nodes were added to a bundle.
        case bundleChanged
        /// A bundle was removed.
        case bundleRemoved
    }

    /// The entry's number: it strictly increases with commit order, so a consumer that keeps the
    /// last one it handled resumes exactly after it.
    public var sequence: UInt64
    /// When the transaction holding the change was committed, to the microsecond.
    public var committedAt: Date
    /// What changed.
    public var kind: Kind
    /// The node changed, or the source of the link.
    public var nodeID: NodeID?
    /// The target of the link.
    public var targetID: NodeID?
    /// The bundle changed.
    public var bundleID: BundleID?
    /// The agent of the node (of the link's source).
    public var agentID: String?
    /// The task context of the node (of the link's source).
    public var taskContext: String?
    /// The node's version after the change (its last version, for a removal).
    public var version: Int?

    /// Creates an entry.
    public init(
        sequence: UInt64, committedAt: Date, kind: Kind, nodeID: NodeID? = nil, targetID: NodeID? = nil,
        bundleID: BundleID? = nil, agentID: String? = nil, taskContext: String? = nil, version: Int? = nil
    ) {
        self.sequence = sequence
        self.committedAt = committedAt
        self.kind = kind
        self.nodeID = nodeID
        self.targetID = targetID
        self.bundleID = bundleID
        self.agentID = agentID
        self.taskContext = taskContext
        self.version = version
    }
}
