/// What an ``AgentSession`` may read: the nodes of some agents in some task contexts.
///
/// ```swift
/// let scope = ReadScope(agentIDs: ["planner", "critic"], contexts: ["trip-42"])
/// let session = try graph.session(agent: "critic", reading: scope)
/// ```
///
/// A node outside the scope is invisible to the session, as if it did not exist. Each given
/// set narrows; `nil` allows every agent (or context). A session always reads its own agent's
/// nodes in the scope's contexts.
public struct ReadScope: Sendable, Hashable, Codable {
    /// The agents whose nodes may be read; `nil`: every agent.
    public var agentIDs: Set<String>?
    /// The task contexts whose nodes may be read; `nil`: every context.
    public var contexts: Set<String>?

    /// A scope; the default reads everything.
    public init(agentIDs: Set<String>? = nil, contexts: Set<String>? = nil) {
        self.agentIDs = agentIDs
        self.contexts = contexts
    }

    /// Every node of every agent.
    public static let all = ReadScope()

    /// Whether the scope reads everything.
    public var isAll: Bool { agentIDs == nil && contexts == nil }

    /// Whether a node of `agentID` in `taskContext` is inside the scope.
    public func includes(agentID: String, taskContext: String) -> Bool {
        (agentIDs?.contains(agentID) ?? true) && (contexts?.contains(taskContext) ?? true)
    }

    /// Whether `node` is inside the scope.
    public func includes(_ node: MemoryNode) -> Bool {
        includes(agentID: node.agentID, taskContext: node.taskContext)
    }

    /// `query` narrowed to the scope, or `nil` when no node of the scope can match it.
    func narrowing(_ query: MemoryQuery) -> MemoryQuery? {
        var narrowed = query
        if let agentIDs {
            narrowed.agentIDs = query.agentIDs.map { $0.intersection(agentIDs) } ?? agentIDs
            if narrowed.agentIDs?.isEmpty == true { return nil }
        }
        if let contexts {
            narrowed.contexts = query.contexts.map { $0.intersection(contexts) } ?? contexts
            if narrowed.contexts?.isEmpty == true { return nil }
        }
        return narrowed
    }

    /// `filter` narrowed to the scope (an empty set matches no change).
    func narrowing(_ filter: ChangeFilter) -> ChangeFilter {
        var narrowed = filter
        if let agentIDs { narrowed.agentIDs = filter.agentIDs.map { $0.intersection(agentIDs) } ?? agentIDs }
        if let contexts {
            narrowed.taskContexts = filter.taskContexts.map { $0.intersection(contexts) } ?? contexts
        }
        return narrowed
    }
}
