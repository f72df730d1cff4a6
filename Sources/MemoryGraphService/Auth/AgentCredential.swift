public import MemoryGraphCore

/// What a token grants: the agent its requests act as, what they may read, and whether they may
/// write.
public struct AgentCredential: Sendable, Hashable {
    /// The agent every write is stamped with.
    public var agentID: String
    /// What the agent may read (its own nodes always).
    public var scope: ReadScope
    /// Whether the tools and endpoints that write are refused.
    public var isReadOnly: Bool

    /// Creates a credential.
    public init(agentID: String, scope: ReadScope = .all, readOnly: Bool = false) {
        self.agentID = agentID
        self.scope = scope
        self.isReadOnly = readOnly
    }
}
