import LMDB
import MemoryGraphCore

/// The agent and context names one multi-node read has resolved, so that it asks the
/// ``Interner`` (and takes its process-wide lock) once per distinct name instead of once per
/// node: a recall of 50 nodes of one agent and context resolves two names.
struct ResolvedNames {
    private var agents: [UInt32: String] = [:]
    private var contexts: [UInt32: String] = [:]

    /// The agent and context names of a node with `header`.
    /// - Throws: ``MemoryGraphError/Code/corruption`` when an id is unknown.
    mutating func names(of header: NodeHeader, interner: Interner, in txn: Transaction) throws -> (
        agent: String, context: String
    ) {
        try names(agent: header.agent, context: header.context, interner: interner, in: txn)
    }

    /// The names interned as `agent` and `context`.
    mutating func names(agent: UInt32, context: UInt32, interner: Interner, in txn: Transaction) throws -> (
        agent: String, context: String
    ) {
        if let name = agents[agent], let contextName = contexts[context] { return (name, contextName) }
        let names = try interner.names(agent: agent, context: context, in: txn)
        agents[agent] = names.agent
        contexts[context] = names.context
        return names
    }
}
