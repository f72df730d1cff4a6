import DequeModule
import OrderedCollections

extension MemoryGraph {
    /// Groups nodes of one task into a new bundle.
    ///
    /// ```swift
    /// let bundleID = try graph.createBundle(taskID: "task-9", agentIDs: ["planner"],
    ///                                       contexts: ["trip-42"], nodeIDs: [plan, critique])
    /// ```
    ///
    /// Duplicate entries in `agentIDs`, `contexts` and `nodeIDs` are kept once, in first-seen order.
    ///
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/bundleTooLarge`` past
    ///   ``Configuration/maxNodesPerBundle``, ``MemoryGraphError/Code/nodeNotFound``,
    ///   ``MemoryGraphError/Code/invalidArgument``, ``MemoryGraphError/Code/bundlingDisabled``.
    @discardableResult
    public func createBundle(
        taskID: String, agentIDs: [String] = [], contexts: [String] = [], nodeIDs: [NodeID] = [],
        metadata: [String: JSONValue] = [:]
    ) throws -> BundleID {
        try Self.created(
            perform(
                bundleCreation(
                    taskID: taskID, agentIDs: agentIDs, contexts: contexts, nodeIDs: nodeIDs, metadata: metadata)))
    }

    /// The checked creation of a bundle, with its new id and creation time.
    func bundleCreation(
        taskID: String, agentIDs: [String], contexts: [String], nodeIDs: [NodeID], metadata: [String: JSONValue]
    ) throws -> GraphMutation {
        try ensureBundling()
        try Validation.name(taskID, "taskID")
        for agent in agentIDs { try Validation.name(agent, "agentID") }
        for context in contexts { try Validation.name(context, "context") }
        try Validation.json(.object(metadata), "metadata")
        let nodes = Array(OrderedSet(nodeIDs))
        try checkBundleSize(nodes.count)
        return .createBundle(
            MemoryBundle(
                id: BundleID(), taskID: taskID, agentIDs: Array(OrderedSet(agentIDs)),
                contexts: Array(OrderedSet(contexts)), nodeIDs: nodes, createdAt: Microseconds.now().date,
                metadata: metadata))
    }

    func checkBundleSize(_ count: Int) throws {
        guard count <= configuration.maxNodesPerBundle else {
            throw MemoryGraphError(
                .bundleTooLarge,
                "a bundle may hold at most \(configuration.maxNodesPerBundle) nodes (Configuration.maxNodesPerBundle), "
                    + "got \(count)")
        }
    }

    static func created(_ outcome: MutationOutcome) throws -> BundleID {
        guard case .bundleCreated(let id) = outcome else { throw unexpected(outcome) }
        return id
    }

    /// The bundle `id`, or `nil`.
    public func bundle(_ id: BundleID) throws -> MemoryBundle? {
        try ensureBundling()
        return try reading { try $0.bundle(id) }
    }

    /// The newest bundle of `taskID`, or `nil`.
    public func bundle(forTask taskID: String) throws -> MemoryBundle? {
        try ensureBundling()
        return try reading { try $0.bundles(forTask: taskID, limit: 1).first }
    }

    /// The bundles of `taskID`, newest first.
    public func bundles(forTask taskID: String) throws -> [MemoryBundle] {
        try ensureBundling()
        return try reading { try $0.bundles(forTask: taskID, limit: nil) }
    }

    /// The bundles that list `context` among their contexts, newest first.
    public func bundles(forContext context: String) throws -> [MemoryBundle] {
        try ensureBundling()
        return try reading { try $0.bundles(forContext: context) }
    }

    /// Appends nodes to a bundle; nodes already in it are skipped.
    ///
    /// - Throws: ``MemoryGraphError/Code/bundleNotFound``, ``MemoryGraphError/Code/nodeNotFound``,
    ///   ``MemoryGraphError/Code/bundleTooLarge``; nothing changes when it throws.
    public func addToBundle(_ id: BundleID, nodeIDs: [NodeID]) throws {
        try ensureBundling()
        _ = try perform(.addToBundle(id, nodeIDs: nodeIDs))
    }

    /// Deletes a bundle (its nodes stay).
    ///
    /// - Returns: `false` when it did not exist.
    @discardableResult
    public func removeBundle(_ id: BundleID) throws -> Bool {
        try ensureBundling()
        return try Self.changed(perform(.removeBundle(id)))
    }
}
