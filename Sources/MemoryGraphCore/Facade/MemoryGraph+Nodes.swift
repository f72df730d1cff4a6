public import Foundation

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
    ///   - expiresAt: When the node expires (see ``NodeDraft/expiresAt``); `nil`: never.
    ///   - embedding: The node's embedding (see ``NodeDraft/embedding``); `nil`: none.
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/invalidArgument``,
    ///   ``MemoryGraphError/Code/nodeNotFound`` (a link target is missing),
    ///   ``MemoryGraphError/Code/payloadTooLarge``, ``MemoryGraphError/Code/storageFull``. Nothing
    ///   is stored when it throws.
    @discardableResult
    public func addNode(
        agentID: String, taskContext: String, result: JSONValue, metadata: [String: JSONValue] = [:],
        links: [NodeID] = [], timestamp: Date? = nil, expiresAt: Date? = nil, embedding: [Float]? = nil
    ) throws -> NodeID {
        let draft = NodeDraft(
            agentID: agentID, taskContext: taskContext, result: result, metadata: metadata, links: links,
            timestamp: timestamp, expiresAt: expiresAt, embedding: embedding)
        return try Self.added(perform(insertion([draft])))[0]
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
        drafts.isEmpty ? [] : try Self.added(perform(insertion(drafts)))
    }

    /// The checked insertion of `drafts`, each with its id and timestamp.
    func insertion(_ drafts: [NodeDraft]) throws -> GraphMutation {
        let limit = configuration.maximumPayloadSize
        let now = configuration.currentTime()
        return .addNodes(
            try drafts.enumerated().map { index, draft in
                do {
                    if let embedding = draft.embedding, let dimension = configuration.embeddingDimension {
                        try Embedding.dimension(of: embedding, matches: dimension, "embedding")
                    }
                    return try Validation.check(draft, maximumPayloadSize: limit, now: now)
                } catch var error as MemoryGraphError where drafts.count > 1 {
                    error.message = "draft \(index): \(error.message)"
                    throw error
                }
            })
    }

    static func added(_ outcome: MutationOutcome) throws -> [NodeID] {
        guard case .added(let ids) = outcome else { throw unexpected(outcome) }
        return ids
    }

    static func changed(_ outcome: MutationOutcome) throws -> Bool {
        guard case .changed(let changed) = outcome else { throw unexpected(outcome) }
        return changed
    }

    static func unexpected(_ outcome: MutationOutcome) -> MemoryGraphError {
        MemoryGraphError(.storage, "the backend answered a mutation with an outcome of another kind: \(outcome)")
    }

    /// The node `id`, or `nil` when it does not exist.
    ///
    /// - Throws: ``MemoryGraphError/Code/corruption`` when its stored record is damaged.
    public func node(_ id: NodeID) throws -> MemoryNode? {
        try reading { try $0.node(id) }
    }

    /// The nodes `ids` from one snapshot, `nil` for each that does not exist.
    public func nodes(_ ids: [NodeID]) throws -> [MemoryNode?] {
        try reading { try $0.nodes(ids) }
    }

    /// Removes node `id`: its record, every index entry, every link into and out of it, and its
    /// place in bundles, in one transaction.
    ///
    /// - Returns: `false` when the node did not exist.
    @discardableResult
    public func removeNode(_ id: NodeID) throws -> Bool {
        try Self.changed(perform(.removeNode(id)))
    }

    /// The nodes of `agentID` in `taskContext`, newest first (ties by id).
    ///
    /// - Parameter limit: The most nodes to return; `nil` returns all.
    public func recall(agentID: String, taskContext: String, limit: Int? = nil) throws -> [MemoryNode] {
        try Self.check(limit: limit)
        return try reading { try $0.recall(agentID: agentID, taskContext: taskContext, limit: limit) }
    }

    static func check(limit: Int?) throws {
        if let limit, limit < 0 {
            throw MemoryGraphError(.invalidArgument, "limit must not be negative, got \(limit)")
        }
    }

    /// Counts of nodes, agents, contexts, types, links and bundles, from one snapshot.
    public func statistics() throws -> GraphStatistics {
        try reading { try $0.statistics() }
    }
}
