public import MemoryGraphCore

/// What a token grants: the agent its requests act as, what they may read, whether they may
/// write, and whether they may use the store endpoints.
public struct AgentCredential: Sendable, Hashable {
    /// The agent every write is stamped with.
    public var agentID: String
    /// What the agent may read (its own nodes always).
    public var scope: ReadScope
    /// Whether the tools and endpoints that write are refused.
    public var isReadOnly: Bool
    /// Whether the store endpoints under `/v1/store` are open to it: they read the whole store
    /// and write as any agent, past every agent session, for a remote backend
    /// (`RemoteGraphStore`). Such a credential reads everything (its ``scope`` is ``ReadScope/all``);
    /// with ``isReadOnly`` it may only read there too.
    public var storeAccess: Bool

    /// Creates a credential.
    public init(agentID: String, scope: ReadScope = .all, readOnly: Bool = false, storeAccess: Bool = false) {
        self.agentID = agentID
        self.scope = scope
        self.isReadOnly = readOnly
        self.storeAccess = storeAccess
    }
}
