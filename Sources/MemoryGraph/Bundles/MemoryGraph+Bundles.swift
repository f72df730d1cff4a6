import Collections
import Foundation
import Logging

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
        try perform(
            bundleCreation(
                taskID: taskID, agentIDs: agentIDs, contexts: contexts, nodeIDs: nodeIDs, metadata: metadata,
                operation: #function))
    }

    /// The checked creation of a bundle.
    func bundleCreation(
        taskID: String, agentIDs: [String], contexts: [String], nodeIDs: [NodeID], metadata: [String: JSONValue],
        operation: String
    ) throws -> WriteRequest<BundleID> {
        try ensureBundling()
        try Validation.name(taskID, "taskID")
        for agent in agentIDs { try Validation.name(agent, "agentID") }
        for context in contexts { try Validation.name(context, "context") }
        try Validation.json(.object(metadata), "metadata")
        let bundle = MemoryBundle(
            id: BundleID(), taskID: taskID, agentIDs: Array(OrderedSet(agentIDs)),
            contexts: Array(OrderedSet(contexts)),
            nodeIDs: Array(OrderedSet(nodeIDs)), createdAt: Microseconds.now().date, metadata: metadata)
        let maximumNodes = configuration.maxNodesPerBundle
        return WriteRequest(operation, describe: { id in [["bundle_id": "\(id)", "task_id": .string(taskID)]] }) {
            store in
            try store.checkMembers(bundle.nodeIDs, maximumNodes: maximumNodes)
            try store.insert(bundle)
            return bundle.id
        }
    }

    /// The bundle `id`, or `nil`.
    public func bundle(_ id: BundleID) throws -> MemoryBundle? {
        try ensureBundling()
        return try read { store in try store.bundle(id) }
    }

    /// The newest bundle of `taskID`, or `nil`.
    public func bundle(forTask taskID: String) throws -> MemoryBundle? {
        try bundles(forTask: taskID, limit: 1).first
    }

    /// The bundles of `taskID`, newest first.
    public func bundles(forTask taskID: String) throws -> [MemoryBundle] {
        try bundles(forTask: taskID, limit: nil)
    }

    private func bundles(forTask taskID: String, limit: Int?) throws -> [MemoryBundle] {
        try ensureBundling()
        return try read { store in
            guard let task = try interner.id(of: taskID, kind: .task, in: store.txn) else { return [] }
            return try store.bundles(IndexKey.id(task), in: schema.bundlesByTask, limit: limit)
        }
    }

    /// The bundles that list `context` among their contexts, newest first.
    public func bundles(forContext context: String) throws -> [MemoryBundle] {
        try ensureBundling()
        return try read { store in
            guard let contextID = try interner.id(of: context, kind: .context, in: store.txn) else { return [] }
            return try store.bundles(IndexKey.id(contextID), in: schema.bundlesByContext)
        }
    }

    /// Appends nodes to a bundle; nodes already in it are skipped.
    ///
    /// - Throws: ``MemoryGraphError/Code/bundleNotFound``, ``MemoryGraphError/Code/nodeNotFound``,
    ///   ``MemoryGraphError/Code/bundleTooLarge``; nothing changes when it throws.
    public func addToBundle(_ id: BundleID, nodeIDs: [NodeID]) throws {
        try perform(bundleExtension(id, nodeIDs: nodeIDs, operation: #function))
    }

    /// The checked addition of nodes to bundle `id`.
    func bundleExtension(_ id: BundleID, nodeIDs: [NodeID], operation: String) throws -> WriteRequest<Void> {
        try ensureBundling()
        let maximumNodes = configuration.maxNodesPerBundle
        return WriteRequest(operation, describe: { _ in [["bundle_id": "\(id)"]] }) { store in
            guard var bundle = try store.bundle(id) else {
                throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist")
            }
            let present = Set(bundle.nodeIDs)
            let added = Array(OrderedSet(nodeIDs).filter { !present.contains($0) })
            bundle.nodeIDs += added
            try store.checkMembers(bundle.nodeIDs, maximumNodes: maximumNodes)
            try store.writeBundleRecord(bundle)
            try store.addMembership(id, nodes: added)
        }
    }

    /// Deletes a bundle (its nodes stay).
    ///
    /// - Returns: `false` when it did not exist.
    @discardableResult
    public func removeBundle(_ id: BundleID) throws -> Bool {
        try perform(bundleRemoval(id, operation: #function))
    }

    /// The removal of bundle `id`.
    func bundleRemoval(_ id: BundleID, operation: String) throws -> WriteRequest<Bool> {
        try ensureBundling()
        return WriteRequest(operation, describe: { _ in [["bundle_id": "\(id)"]] }) { store in
            try store.removeBundle(id)
        }
    }

    private func ensureBundling() throws {
        guard configuration.enableBundling else {
            throw MemoryGraphError(
                .bundlingDisabled, "bundles are disabled; set Configuration.enableBundling to use them")
        }
    }
}
