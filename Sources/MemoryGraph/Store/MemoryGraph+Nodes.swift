public import Foundation
import Logging

extension MemoryGraph {
    /// Adds one node and returns its id.
    ///
    /// ```swift
    /// let id = try graph.addNode(agentID: "planner", taskContext: "trip-42",
    ///     result: ["type": "plan", "confidence_score": 0.91, "steps": ["book", "pack"]],
    ///     metadata: ["model": "m1"], links: [earlierID])
    /// ```
    ///
    /// - Parameters:
    ///   - agentID: The writing agent; 1…256 UTF-8 bytes.
    ///   - taskContext: The task context; 1…256 UTF-8 bytes.
    ///   - result: The result; `type` must be a string and `confidence_score` a number in [0, 1]
    ///     when present.
    ///   - metadata: Free-form metadata.
    ///   - links: Existing nodes this node links to.
    ///   - timestamp: The node's time; `nil` means now.
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/invalidArgument``,
    ///   ``MemoryGraphError/Code/nodeNotFound`` (a link target is missing),
    ///   ``MemoryGraphError/Code/payloadTooLarge``, ``MemoryGraphError/Code/storageFull``. Nothing
    ///   is stored when it throws.
    @discardableResult
    public func addNode(
        agentID: String, taskContext: String, result: JSONValue, metadata: [String: JSONValue] = [:],
        links: [NodeID] = [], timestamp: Date? = nil
    ) throws -> NodeID {
        try perform(
            insertion(
                [
                    NodeDraft(
                        agentID: agentID, taskContext: taskContext, result: result, metadata: metadata, links: links,
                        timestamp: timestamp)
                ], operation: #function))[0]
    }

    /// Adds several nodes in one transaction: all of them or, when one is invalid, none.
    ///
    /// A draft may link to a node added earlier in the same call (give it an explicit
    /// ``NodeDraft/id``).
    ///
    /// - Returns: The ids, in the order of `drafts`.
    /// - Throws: ``MemoryGraphError`` naming the first invalid draft; nothing is stored.
    @discardableResult
    public func addNodes(_ drafts: [NodeDraft]) throws -> [NodeID] {
        drafts.isEmpty ? [] : try perform(insertion(drafts, operation: #function))
    }

    /// The checked insertion of `drafts` (not empty).
    func insertion(_ drafts: [NodeDraft], operation: String) throws -> WriteRequest<[NodeID]> {
        let prepared = try drafts.enumerated().map { index, draft in
            do {
                return try Validation.prepare(draft, maximumPayloadSize: configuration.maximumPayloadSize)
            } catch var error as MemoryGraphError where drafts.count > 1 {
                error.message = "draft \(index): \(error.message)"
                throw error
            }
        }
        let describe = { @Sendable (ids: [NodeID]) -> [Logger.Metadata] in
            prepared.map {
                ["node_id": "\($0.id)", "agent_id": .string($0.agentID), "task_context": .string($0.taskContext)]
            }
        }
        return WriteRequest(operation, describe: describe) { store in
            var earlier = Set<NodeID>()
            for node in prepared {
                try store.check(node, earlier: earlier)
                earlier.insert(node.id)
            }
            try store.insert(prepared)
            return prepared.map(\.id)
        }
    }

    /// The node `id`, or `nil` when it does not exist.
    ///
    /// - Throws: ``MemoryGraphError/Code/corruption`` when its stored record is damaged.
    public func node(_ id: NodeID) throws -> MemoryNode? {
        if let cached = try cachedWithoutTransaction(id) { return cached }
        return try read { store in try store.node(id) }
    }

    /// The cached node `id` when the cache is current, found without a read transaction: the
    /// last commit of any process is read from LMDB's meta page, and a commit this process did
    /// not make empties the cache first.
    private func cachedWithoutTransaction(_ id: NodeID) throws -> MemoryNode? {
        guard let cache else { return nil }
        try ensureOpen()
        let start = metrics == nil ? 0 : monotonicNanoseconds()
        cache.observe(snapshot: try translatingErrors { try environment.lastCommittedTransaction() })
        guard let node = cache.node(id, countingMiss: false) else { return nil }
        metrics?.record(function: "node", nanoseconds: monotonicNanoseconds() &- start)
        return node
    }

    /// The nodes `ids` from one snapshot, `nil` for each that does not exist.
    public func nodes(_ ids: [NodeID]) throws -> [MemoryNode?] {
        try read { store in try store.nodes(ids) }
    }

    /// Removes node `id`: its record, every index entry, every link into and out of it, and its
    /// place in bundles, in one transaction.
    ///
    /// - Returns: `false` when the node did not exist.
    @discardableResult
    public func removeNode(_ id: NodeID) throws -> Bool {
        try perform(removal(of: id, operation: #function))
    }

    /// The removal of node `id`.
    func removal(of id: NodeID, operation: String) -> WriteRequest<Bool> {
        WriteRequest(operation, describe: { _ in [["node_id": "\(id)"]] }) { store in try store.remove(id) }
    }

    /// The nodes of `agentID` in `taskContext`, newest first (ties by id).
    ///
    /// - Parameter limit: The most nodes to return; `nil` returns all.
    public func recall(agentID: String, taskContext: String, limit: Int? = nil) throws -> [MemoryNode] {
        if let limit, limit < 0 {
            throw MemoryGraphError(.invalidArgument, "limit must not be negative, got \(limit)")
        }
        return try read { store in
            guard let agent = try interner.id(of: agentID, kind: .agent, in: store.txn),
                let context = try interner.id(of: taskContext, kind: .context, in: store.txn)
            else { return [] }
            let ids = try store.newestFirst(
                IndexKey.agentContext(agent, context), in: schema.byAgentContext, limit: limit)
            return try zip(ids, store.nodes(ids)).map { id, node in
                guard let node else {
                    throw MemoryGraphError(
                        .corruption,
                        "idx.agent_context names node \(id), which does not exist; run `memory-graph verify`")
                }
                return node
            }
        }
    }

    /// Counts of nodes, agents, contexts, types, links and bundles, from one snapshot.
    public func statistics() throws -> GraphStatistics {
        try read { store in
            GraphStatistics(
                nodes: try store.txn.statistics(of: schema.nodes).entries,
                agents: try store.counter(MetaKey.agentCount),
                contexts: try store.counter(MetaKey.contextCount),
                types: try store.counter(MetaKey.typeCount),
                links: try store.txn.statistics(of: schema.linksOut).entries,
                bundles: try store.txn.statistics(of: schema.bundles).entries)
        }
    }
}
