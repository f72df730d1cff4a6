public import Foundation

/// The `async` forms of every operation, for Swift concurrency callers; with
/// ``Configuration/enableAsyncOperations`` off they throw ``MemoryGraphError/Code/asyncDisabled``.
///
/// Each calls the backend's `async` form. On a ``SynchronousGraphStore`` reads run inline on the
/// calling task: an LMDB read never blocks (it works on a snapshot), so hopping to another queue
/// would only add latency (64 tasks reading cached nodes: 1.3–1.5 M reads/s inline against
/// 0.8–0.9 M through a concurrent `DispatchQueue`). Writes are handed to the backend's writer;
/// the calling task is suspended (no thread waits) until the commit that holds its write returned.
extension MemoryGraph {
    /// Adds one node; see ``addNode(agentID:taskContext:result:metadata:links:timestamp:expiresAt:embedding:)``.
    @discardableResult
    public func addNode(
        agentID: String, taskContext: String, result: JSONValue, metadata: [String: JSONValue] = [:],
        links: [NodeID] = [], timestamp: Date? = nil, expiresAt: Date? = nil, embedding: [Float]? = nil
    ) async throws -> NodeID {
        let draft = NodeDraft(
            agentID: agentID, taskContext: taskContext, result: result, metadata: metadata, links: links,
            timestamp: timestamp, expiresAt: expiresAt, embedding: embedding)
        return try Self.added(await perform(insertion([draft])))[0]
    }

    /// Adds several nodes in one transaction; see ``addNodes(_:)``.
    @discardableResult
    public func addNodes(_ drafts: [NodeDraft]) async throws -> [NodeID] {
        drafts.isEmpty ? [] : try Self.added(await perform(insertion(drafts)))
    }

    /// The node `id`, or `nil`; see ``node(_:)``.
    public func node(_ id: NodeID) async throws -> MemoryNode? {
        try await reading { try await $0.node(id) }
    }

    /// The nodes `ids`; see ``nodes(_:)``.
    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] {
        try await reading { try await $0.nodes(ids) }
    }

    /// Removes a node; see ``removeNode(_:)``.
    @discardableResult
    public func removeNode(_ id: NodeID) async throws -> Bool {
        try Self.changed(await perform(.removeNode(id)))
    }

    /// Recent nodes of an agent in a context; see ``recall(agentID:taskContext:limit:)``.
    public func recall(agentID: String, taskContext: String, limit: Int? = nil) async throws -> [MemoryNode] {
        try Self.check(limit: limit)
        return try await reading { try await $0.recall(agentID: agentID, taskContext: taskContext, limit: limit) }
    }

    /// Links two nodes; see ``link(from:to:)``.
    @discardableResult
    public func link(from source: NodeID, to target: NodeID) async throws -> Bool {
        try Self.changed(await perform(linking(source, to: target)))
    }

    /// Removes a link; see ``unlink(from:to:)``.
    @discardableResult
    public func unlink(from source: NodeID, to target: NodeID) async throws -> Bool {
        try Self.changed(await perform(.unlink(from: source, to: target)))
    }

    /// Out-links of a node; see ``links(from:)``.
    public func links(from id: NodeID) async throws -> [NodeID] {
        try await reading { try await $0.links(from: id) }
    }

    /// In-links of a node; see ``backlinks(to:)``.
    public func backlinks(to id: NodeID) async throws -> [NodeID] {
        try await reading { try await $0.backlinks(to: id) }
    }

    /// Creates a bundle; see ``createBundle(taskID:agentIDs:contexts:nodeIDs:metadata:)``.
    @discardableResult
    public func createBundle(
        taskID: String, agentIDs: [String] = [], contexts: [String] = [], nodeIDs: [NodeID] = [],
        metadata: [String: JSONValue] = [:]
    ) async throws -> BundleID {
        try Self.created(
            await perform(
                bundleCreation(
                    taskID: taskID, agentIDs: agentIDs, contexts: contexts, nodeIDs: nodeIDs, metadata: metadata)))
    }

    /// A bundle by id; see ``bundle(_:)``.
    public func bundle(_ id: BundleID) async throws -> MemoryBundle? {
        try ensureBundling()
        return try await reading { try await $0.bundle(id) }
    }

    /// The newest bundle of a task; see ``bundle(forTask:)``.
    public func bundle(forTask taskID: String) async throws -> MemoryBundle? {
        try ensureBundling()
        return try await reading { try await $0.bundles(forTask: taskID, limit: 1).first }
    }

    /// The bundles of a task; see ``bundles(forTask:)``.
    public func bundles(forTask taskID: String) async throws -> [MemoryBundle] {
        try ensureBundling()
        return try await reading { try await $0.bundles(forTask: taskID, limit: nil) }
    }

    /// The bundles of a context; see ``bundles(forContext:)``.
    public func bundles(forContext context: String) async throws -> [MemoryBundle] {
        try ensureBundling()
        return try await reading { try await $0.bundles(forContext: context) }
    }

    /// Adds nodes to a bundle; see ``addToBundle(_:nodeIDs:)``.
    public func addToBundle(_ id: BundleID, nodeIDs: [NodeID]) async throws {
        try ensureBundling()
        _ = try await perform(.addToBundle(id, nodeIDs: nodeIDs))
    }

    /// Deletes a bundle; see ``removeBundle(_:)``.
    @discardableResult
    public func removeBundle(_ id: BundleID) async throws -> Bool {
        try ensureBundling()
        return try Self.changed(await perform(.removeBundle(id)))
    }

    /// Counts; see ``statistics()``.
    public func statistics() async throws -> GraphStatistics {
        try await reading { try await $0.statistics() }
    }

    /// The first page of a query; see ``query(_:)``.
    public func query(_ query: MemoryQuery) async throws -> QueryPage {
        try Self.check(query, cursor: nil)
        return try await reading("query", isQuery: true) {
            try Self.page(query, cursor: nil, nodes: await $0.queryNodes(query, after: nil))
        }
    }

    /// The next page of a query; see ``query(_:after:)``.
    public func query(_ query: MemoryQuery, after cursor: QueryCursor) async throws -> QueryPage {
        try Self.check(query, cursor: cursor)
        return try await reading("query", isQuery: true) {
            try Self.page(query, cursor: cursor, nodes: await $0.queryNodes(query, after: cursor))
        }
    }

    /// The ids of the first page of a query; see ``queryIDs(_:)``.
    public func queryIDs(_ query: MemoryQuery) async throws -> [NodeID] {
        try Self.check(query, cursor: nil)
        return try await reading(isQuery: true) { try await $0.queryIDs(query) }
    }

    /// How many nodes match a query; see ``count(_:)``.
    public func count(_ query: MemoryQuery) async throws -> Int {
        try Self.check(query, cursor: nil)
        return try await reading(isQuery: true) { try await $0.count(query) }
    }

    /// How a query is answered; see ``explain(_:)``.
    public func explain(_ query: MemoryQuery) async throws -> QueryPlan {
        try Self.check(query, cursor: nil)
        return try await reading { try await $0.explain(query) }
    }

    /// The nodes within some links of a node; see ``neighbors(of:direction:depth:limit:)``.
    public func neighbors(
        of id: NodeID, direction: LinkDirection = .outgoing, depth: Int = 1, limit: Int = 1000
    ) async throws -> [Neighbor] {
        try Self.check(depth: depth, limit: limit)
        return try await reading { try await $0.neighbors(of: id, direction: direction, depth: depth, limit: limit) }
    }
}
