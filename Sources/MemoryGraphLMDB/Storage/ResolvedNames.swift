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
        if let agent = agents[header.agent], let context = contexts[header.context] { return (agent, context) }
        let names = try interner.names(agent: header.agent, context: header.context, in: txn)
        agents[header.agent] = names.agent
        contexts[header.context] = names.context
        return names
    }
}
