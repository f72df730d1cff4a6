public import Foundation

/// One change to a graph, as a value: what the ``MemoryGraph`` facade hands a backend to apply.
///
/// Mutations are plain data — `Sendable` and `Codable` — so one type serves every backend: the
/// LMDB writer applies a batch of them in one transaction (group commit), a SQL backend in one
/// SQL transaction, a remote backend in one request. The facade fills in every value a backend
/// must not choose on its own (node ids, timestamps, bundle ids and creation times), so applying
/// the same mutation twice to two stores gives the same content.
///
/// ```swift
/// let draft = NodeDraft(id: NodeID(), agentID: "planner", taskContext: "trip-42",
///                       result: ["type": "plan"], timestamp: Date())
/// let outcomes = await store.apply([.addNodes([draft])])
/// ```
public enum GraphMutation: Sendable, Hashable, Codable {
    /// Adds nodes, all or none. Every draft carries its ``NodeDraft/id`` and
    /// ``NodeDraft/timestamp``; a draft may link to a node earlier in the list.
    case addNodes([NodeDraft])
    /// Replaces the result and/or metadata of node `id` where `update` gives them, re-indexes
    /// its type and confidence, and makes it one version newer, updated at `updatedAt`. With
    /// `expectedVersion`, fails with ``MemoryGraphError/Code/versionConflict`` unless the node
    /// is at that version (compare-and-set); without, the last writer wins.
    case updateNode(NodeID, NodeUpdate, expectedVersion: Int?, updatedAt: Date)
    /// Removes a node with every index entry, link and bundle membership.
    case removeNode(NodeID)
    /// Removes up to `limit` of the nodes that match `query` (whose own limit, order and cursor
    /// play no part), each as ``removeNode(_:)`` does, all in one transaction: one batch of
    /// ``MemoryGraph/forget(matching:)``.
    case forgetNodes(MemoryQuery, limit: Int)
    /// Removes up to `limit` of the nodes that have expired, soonest first, each as
    /// ``removeNode(_:)`` does but logged as ``GraphChange/Kind/nodeExpired``: one batch of
    /// ``MemoryGraph/sweepExpired()``. (Every other write transaction removes the nodes due
    /// first, up to a bound of the backend's, so a sweep that shares one may find none left.)
    case sweepExpired(limit: Int)
    /// Links `from` to `to`; both must exist.
    case link(from: NodeID, to: NodeID)
    /// Removes the link from `from` to `to`.
    case unlink(from: NodeID, to: NodeID)
    /// Stores a new bundle as given (its id and creation time included); its nodes must exist.
    case createBundle(MemoryBundle)
    /// Appends nodes to a bundle, skipping those already in it.
    case addToBundle(BundleID, nodeIDs: [NodeID])
    /// Removes a bundle; its nodes stay.
    case removeBundle(BundleID)
    /// Sets the time the store says it was created (a restore keeps the original's).
    case setCreationTime(Date)

    /// The mutation's name in metrics and logs.
    public var name: String {
        switch self {
        case .addNodes: "addNodes"
        case .updateNode: "updateNode"
        case .removeNode: "removeNode"
        case .forgetNodes: "forgetNodes"
        case .sweepExpired: "sweepExpired"
        case .link: "link"
        case .unlink: "unlink"
        case .createBundle: "createBundle"
        case .addToBundle: "addToBundle"
        case .removeBundle: "removeBundle"
        case .setCreationTime: "setCreationTime"
        }
    }
}

/// What one applied ``GraphMutation`` did.
public enum MutationOutcome: Sendable, Hashable, Codable {
    /// ``GraphMutation/addNodes(_:)``: the ids, in the order of the drafts.
    case added([NodeID])
    /// ``GraphMutation/updateNode(_:_:expectedVersion:updatedAt:)``: the node's new version.
    case updated(NodeRevision)
    /// ``GraphMutation/removeNode(_:)``, ``GraphMutation/link(from:to:)``,
    /// ``GraphMutation/unlink(from:to:)``, ``GraphMutation/removeBundle(_:)``: whether anything
    /// changed (`false`: the node, link or bundle was not there, or the link existed already).
    case changed(Bool)
    /// ``GraphMutation/forgetNodes(_:limit:)``, ``GraphMutation/sweepExpired(limit:)``: how many
    /// nodes were removed.
    case removed(Int)
    /// ``GraphMutation/createBundle(_:)``: the bundle's id.
    case bundleCreated(BundleID)
    /// A mutation with nothing to report.
    case done
}
