public import Foundation

/// One agent's view of a graph: its writes are stamped with the agent, and its reads see only
/// the nodes inside its ``ReadScope``. A service for several agents gives each client one, built
/// from the client's credentials, so that no request field can choose the agent.
///
/// ```swift
/// let critic = try graph.session(agent: "critic", reading: ReadScope(agentIDs: ["planner"]))
/// let note = try await critic.addNode(taskContext: "trip-42", result: ["type": "critique"])
/// let plans = try await critic.recall(agentID: "planner", taskContext: "trip-42")
/// ```
///
/// A node outside the scope is invisible, not forbidden: reads return `nil` or leave it out
/// (and leave out links to it), and a write that names it fails as for a node that does not
/// exist (``MemoryGraphError/Code/nodeNotFound``). A write that names another agent, or a
/// context outside the scope, fails with ``MemoryGraphError/Code/permissionDenied``. Nodes of
/// other agents inside the scope may be updated, linked and bundled; their agent never changes.
/// Every call is `async`.
public final class AgentSession: Sendable {
    /// The agent every write of the session is stamped with.
    public let agentID: String
    /// What the session reads: the scope it was given, with its own agent's nodes added.
    public let scope: ReadScope
    let graph: MemoryGraph

    init(graph: MemoryGraph, agentID: String, scope: ReadScope) {
        self.graph = graph
        self.agentID = agentID
        var own = scope
        own.agentIDs?.insert(agentID)
        self.scope = own
    }

    // MARK: Writes

    /// Adds a node of the session's agent; see
    /// ``MemoryGraph/addNode(agentID:taskContext:result:metadata:links:timestamp:expiresAt:embedding:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when a link names a node outside the
    ///   scope, and what the graph's `addNode` throws.
    @discardableResult
    public func addNode(
        taskContext: String, result: JSONValue, metadata: [String: JSONValue] = [:], links: [NodeID] = [],
        timestamp: Date? = nil, expiresAt: Date? = nil, embedding: [Float]? = nil
    ) async throws -> NodeID {
        try await addNodes([
            NodeDraft(
                agentID: agentID, taskContext: taskContext, result: result, metadata: metadata, links: links,
                timestamp: timestamp, expiresAt: expiresAt, embedding: embedding)
        ])[0]
    }

    /// Adds nodes in one transaction; see ``MemoryGraph/addNodes(_:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/permissionDenied`` when a draft names another agent or
    ///   a context outside the scope, ``MemoryGraphError/Code/invalidArgument`` when it carries
    ///   a revision (an import's), ``MemoryGraphError/Code/nodeNotFound`` when a link names a
    ///   node outside the scope (a new node of the same call is inside it); nothing is stored then.
    @discardableResult
    public func addNodes(_ drafts: [NodeDraft]) async throws -> [NodeID] {
        for (index, draft) in drafts.enumerated() {
            let which = drafts.count > 1 ? "draft \(index): " : ""
            if draft.agentID != agentID {
                throw MemoryGraphError(
                    .permissionDenied,
                    which + "this session writes as agent \(agentID) and cannot write a node of agent "
                        + "\(draft.agentID); leave the agent to the session")
            }
            if let contexts = scope.contexts, !contexts.contains(draft.taskContext) {
                throw MemoryGraphError(
                    .permissionDenied,
                    which + "task context \(draft.taskContext) is outside this session's scope; write in one of "
                        + contexts.sorted().joined(separator: ", "))
            }
            if draft.revision != nil {
                throw MemoryGraphError(
                    .invalidArgument, which + "a session's drafts carry no revision; that is for imports")
            }
        }
        // A link may name a node of the same call only when that node is new.
        let named = Array(Set(drafts.compactMap(\.id)))
        let new = Set(zip(named, try await graph.nodes(named)).filter { $0.1 == nil }.map(\.0))
        try await requireVisible(Set(drafts.flatMap(\.links)).subtracting(new))
        return try await graph.addNodes(drafts)
    }

    /// Updates a node inside the scope; see ``MemoryGraph/updateNode(_:result:metadata:expiry:embedding:expectedVersion:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` for a node outside the scope.
    @discardableResult
    public func updateNode(
        _ id: NodeID, result: JSONValue? = nil, metadata: [String: JSONValue]? = nil,
        expiry: NodeUpdate.Expiry? = nil, embedding: NodeUpdate.EmbeddingChange? = nil, expectedVersion: Int? = nil
    ) async throws -> Int {
        try await requireVisible([id])
        return try await graph.updateNode(
            id, result: result, metadata: metadata, expiry: expiry, embedding: embedding,
            expectedVersion: expectedVersion)
    }

    /// Read-modify-write of a node inside the scope; see ``MemoryGraph/modify(_:_:)``. `body`
    /// gets the node as the session sees it (without links to nodes outside the scope).
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` for a node outside the scope.
    @discardableResult
    public func modify(_ id: NodeID, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?) async throws
        -> MemoryNode
    {
        guard let seen = try await node(id) else { throw MemoryGraphError.missingNode(id) }
        // Links made after this read are left out too: the safe side.
        let shownLinks = Set(seen.links)
        let scope = self.scope
        let modified = try await graph.modify(id) { node in
            guard scope.includes(node) else { throw MemoryGraphError.missingNode(id) }
            var shown = node
            shown.links.removeAll { !shownLinks.contains($0) }
            return try body(shown)
        }
        return try await withoutHiddenLinks([modified])[0]
    }

    /// Removes a node inside the scope; see ``MemoryGraph/removeNode(_:)``.
    ///
    /// - Returns: `false` when the node does not exist or is outside the scope.
    @discardableResult
    public func removeNode(_ id: NodeID) async throws -> Bool {
        guard try await node(id) != nil else { return false }
        return try await graph.removeNode(id)
    }

    /// Removes every node inside the scope that matches `query`; see ``MemoryGraph/forget(matching:)``.
    /// A link criterion that names a node outside the scope matches nothing.
    public func forget(matching query: MemoryQuery) async throws -> Int {
        var checked = query
        checked.limit = 1  // forget takes no limit
        guard let narrowed = try await narrowed(checked) else { return 0 }
        return try await graph.forget(matching: narrowed)
    }

    /// Links two nodes inside the scope; see ``MemoryGraph/link(from:to:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when either is outside the scope.
    @discardableResult
    public func link(from source: NodeID, to target: NodeID) async throws -> Bool {
        try await requireVisible([source, target])
        return try await graph.link(from: source, to: target)
    }

    /// Removes a link between two nodes inside the scope; see ``MemoryGraph/unlink(from:to:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when either is outside the scope.
    @discardableResult
    public func unlink(from source: NodeID, to target: NodeID) async throws -> Bool {
        try await requireVisible([source, target])
        return try await graph.unlink(from: source, to: target)
    }

    /// Creates a bundle of nodes, agents and contexts inside the scope; see
    /// ``MemoryGraph/createBundle(taskID:agentIDs:contexts:nodeIDs:metadata:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound`` when a node is outside the scope,
    ///   ``MemoryGraphError/Code/permissionDenied`` when an agent or a context is.
    @discardableResult
    public func createBundle(
        taskID: String, agentIDs: [String] = [], contexts: [String] = [], nodeIDs: [NodeID] = [],
        metadata: [String: JSONValue] = [:]
    ) async throws -> BundleID {
        if let agents = scope.agentIDs, let outside = agentIDs.first(where: { !agents.contains($0) }) {
            throw MemoryGraphError(.permissionDenied, "agent \(outside) is outside this session's scope")
        }
        if let scoped = scope.contexts, let outside = contexts.first(where: { !scoped.contains($0) }) {
            throw MemoryGraphError(.permissionDenied, "task context \(outside) is outside this session's scope")
        }
        try await requireVisible(Set(nodeIDs))
        return try await graph.createBundle(
            taskID: taskID, agentIDs: agentIDs, contexts: contexts, nodeIDs: nodeIDs, metadata: metadata)
    }

    /// Adds nodes inside the scope to a bundle the session sees; see
    /// ``MemoryGraph/addToBundle(_:nodeIDs:)``.
    ///
    /// - Throws: ``MemoryGraphError/Code/bundleNotFound`` when the session does not see the
    ///   bundle, ``MemoryGraphError/Code/nodeNotFound`` when a node is outside the scope.
    public func addToBundle(_ id: BundleID, nodeIDs: [NodeID]) async throws {
        if !scope.isAll, try await bundle(id) == nil {
            throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist")
        }
        try await requireVisible(Set(nodeIDs))
        try await graph.addToBundle(id, nodeIDs: nodeIDs)
    }

    /// Throws ``MemoryGraphError/Code/nodeNotFound`` for the first of `ids` that is absent or
    /// outside the scope, with the message the graph gives for an absent node.
    func requireVisible(_ ids: Set<NodeID>) async throws {
        guard !ids.isEmpty, !scope.isAll else { return }
        let sorted = ids.sorted()
        for (id, node) in zip(sorted, try await graph.nodes(sorted)) where node.map(scope.includes) != true {
            throw MemoryGraphError.missingNode(id)
        }
    }
}

extension MemoryGraph {
    /// A session of agent `agent` that reads what `scope` allows (and the agent's own nodes in
    /// its contexts); see ``AgentSession``.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when `agent` is empty or too long.
    public func session(agent: String, reading scope: ReadScope = .all) throws -> AgentSession {
        try Validation.name(agent, "agent")
        return AgentSession(graph: self, agentID: agent, scope: scope)
    }
}
