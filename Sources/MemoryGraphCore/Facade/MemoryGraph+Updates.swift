import Foundation
import Logging

/// Revising memory: updates with compare-and-set, and read-modify-write.
///
/// Every node carries a ``MemoryNode/version``. An update names the version it read as
/// `expectedVersion` and fails with ``MemoryGraphError/Code/versionConflict`` when another
/// writer changed the node in between, so no agent silently overwrites another's change:
///
/// ```swift
/// let node = try graph.node(id)!
/// do {
///     try graph.updateNode(id, result: revised(node.result), expectedVersion: node.version)
/// } catch let error as MemoryGraphError where error.code == .versionConflict {
///     // re-read (error.currentVersion is the stored version) and decide again
/// }
/// ```
///
/// ``modify(_:_:)`` does the read, the decision and the write as one step.
extension MemoryGraph {
    /// Replaces the result, the metadata, the expiry and/or the embedding of node `id`, re-indexes its type
    /// and confidence, and makes it one version newer, in one transaction.
    ///
    /// Without `expectedVersion` the last writer wins. With it, the update is a compare-and-set:
    /// it is written only while the node is at that version.
    ///
    /// - Parameters:
    ///   - result: The new result (rules of ``NodeDraft/result``); `nil` keeps the stored one.
    ///   - metadata: The new metadata, replacing the stored metadata; `nil` keeps it.
    ///   - expiry: When the node expires from now on (``NodeUpdate/Expiry/never`` for never);
    ///     `nil` keeps the stored expiry.
    ///   - embedding: A new embedding of the store's dimension (``NodeUpdate/EmbeddingChange/set(_:)``)
    ///     or none (``NodeUpdate/EmbeddingChange/remove``); `nil` keeps the stored one.
    ///   - expectedVersion: The version the caller read; `nil` updates whatever version is stored.
    /// - Returns: The node's new version.
    /// - Throws: ``MemoryGraphError`` — ``MemoryGraphError/Code/versionConflict`` (with
    ///   ``MemoryGraphError/currentVersion``), ``MemoryGraphError/Code/nodeNotFound``,
    ///   ``MemoryGraphError/Code/invalidArgument`` (nothing to change, an invalid result, an
    ///   expiry not in the future, an embedding of another dimension than the store's or with a
    ///   component that is not finite, or an expected version below 1), ``MemoryGraphError/Code/payloadTooLarge``. Nothing is
    ///   written when it throws.
    @discardableResult
    public func updateNode(
        _ id: NodeID, result: JSONValue? = nil, metadata: [String: JSONValue]? = nil,
        expiry: NodeUpdate.Expiry? = nil, embedding: NodeUpdate.EmbeddingChange? = nil, expectedVersion: Int? = nil
    ) throws -> Int {
        let change = NodeUpdate(result: result, metadata: metadata, expiry: expiry, embedding: embedding)
        return try Self.updated(perform(update(id, change, expectedVersion)))
    }

    /// Updates a node; see ``updateNode(_:result:metadata:expiry:embedding:expectedVersion:)``.
    @discardableResult
    public func updateNode(
        _ id: NodeID, result: JSONValue? = nil, metadata: [String: JSONValue]? = nil,
        expiry: NodeUpdate.Expiry? = nil, embedding: NodeUpdate.EmbeddingChange? = nil, expectedVersion: Int? = nil
    ) async throws -> Int {
        let change = NodeUpdate(result: result, metadata: metadata, expiry: expiry, embedding: embedding)
        return try Self.updated(await perform(update(id, change, expectedVersion)))
    }

    /// Read-modify-write of node `id`: `body` gets the node as stored and returns its new
    /// content (or `nil` to leave it), and no other write of the node comes between the read
    /// and the write — concurrent modifies of one node from any number of tasks or processes
    /// all take effect, one after another.
    ///
    /// ```swift
    /// let counter = try graph.modify(counterID) { node in
    ///     NodeUpdate(result: ["type": "counter", "count": .int((node.result["count"]?.intValue ?? 0) + 1)])
    /// }
    /// ```
    ///
    /// On LMDB `body` runs once, inside the write transaction (keep it short: other writes wait
    /// for it); a backend that cannot do that runs it again after a version conflict, so it
    /// must have no other effects.
    ///
    /// - Returns: The node with the update applied (and its new version), or as it was when
    ///   `body` returned `nil`.
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound``; the errors of
    ///   ``updateNode(_:result:metadata:expiry:embedding:expectedVersion:)`` for the update `body` returns; what
    ///   `body` throws, as it is. Nothing is written when it throws.
    @discardableResult
    public func modify(_ id: NodeID, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?) throws
        -> MemoryNode
    {
        let store = try synchronous()
        let start = monotonicNanoseconds()
        defer { recordModify(id, since: start) }
        return try store.modifyNode(id, updatedAt: Microseconds.now().date, checkingDimension(body))
    }

    /// Read-modify-write of a node; see ``modify(_:_:)``.
    @discardableResult
    public func modify(_ id: NodeID, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?) async throws
        -> MemoryNode
    {
        try ensureAsyncEnabled()
        let start = monotonicNanoseconds()
        defer { recordModify(id, since: start) }
        return try await store.modifyNode(id, updatedAt: Microseconds.now().date, checkingDimension(body))
    }

    /// `body`, with the embedding of the update it returns held to
    /// ``Configuration/embeddingDimension``.
    private func checkingDimension(_ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?)
        -> @Sendable (MemoryNode) throws -> NodeUpdate?
    {
        guard let dimension = configuration.embeddingDimension else { return body }
        return { node in
            let update = try body(node)
            if case .set(let vector) = update?.embedding {
                try Embedding.dimension(of: vector, matches: dimension, "embedding")
            }
            return update
        }
    }

    /// The checked update mutation.
    private func update(_ id: NodeID, _ update: NodeUpdate, _ expectedVersion: Int?) throws -> GraphMutation {
        try Validation.check(update, expectedVersion: expectedVersion, now: configuration.currentTime())
        if case .set(let vector) = update.embedding, let dimension = configuration.embeddingDimension {
            try Embedding.dimension(of: vector, matches: dimension, "embedding")
        }
        return .updateNode(id, update, expectedVersion: expectedVersion, updatedAt: Microseconds.now().date)
    }

    private func recordModify(_ id: NodeID, since start: UInt64) {
        let elapsed = monotonicNanoseconds() &- start
        metrics?.record("modify", nanoseconds: elapsed)
        logger.debug(
            "mutation",
            metadata: [
                "operation": "modify", "node_id": "\(id)", "duration": .stringConvertible(Double(elapsed) / 1e9),
            ])
    }

    static func updated(_ outcome: MutationOutcome) throws -> Int {
        guard case .updated(let revision) = outcome else { throw unexpected(outcome) }
        return revision.version
    }
}
