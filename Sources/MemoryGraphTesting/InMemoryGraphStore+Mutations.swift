import Foundation
public import MemoryGraphCore
import NIOConcurrencyHelpers
import OrderedCollections

/// Mutations: each is first checked against the state as it is, which yields the change to
/// make or the error; the change itself cannot fail. So a failing mutation leaves nothing
/// behind, and the others of the batch take effect in order. A batch is applied under one lock:
/// no read sees half of it.
extension InMemoryGraphStore {
    /// What a checked mutation does to the state.
    typealias Change = (inout State) -> MutationOutcome

    /// Applies `mutations` in order, each alone: see ``GraphStore/apply(_:)``.
    ///
    /// A batch with at least one successful mutation counts as one commit in ``usage()``.
    public func applySynchronously(_ mutations: [GraphMutation]) -> [Result<MutationOutcome, MemoryGraphError>] {
        let (results, appended) = state.withLockedValue { state in
            var results: [Result<MutationOutcome, MemoryGraphError>] = []
            var committed = 0
            state.commitTime = Microseconds.now().date
            state.appendedInBatch = 0
            let onlySweeps = mutations.allSatisfy { if case .sweepExpired = $0 { true } else { false } }
            if !state.isClosed, !onlySweeps {
                // Nodes whose time has come go first, as in every backend's write transaction
                // (a batch of sweeps alone counts what it removes itself).
                _ = Self.sweepExpired(from: &state, limit: Self.sweepLimit, now: configuration.currentTime())
            }
            for mutation in mutations {
                guard !state.isClosed else {
                    results.append(.failure(Self.closedError))
                    continue
                }
                do throws(MemoryGraphError) {
                    let change = try change(for: mutation, in: state)
                    results.append(.success(change(&state)))
                    committed += 1
                } catch {
                    results.append(.failure(error))
                }
            }
            if committed > 0 {
                state.writes += committed
                state.commits += 1
            }
            state.trimLog(configuration.changeRetention)
            return (results, state.appendedInBatch)
        }
        if appended > 0 { commits.signal() }
        return results
    }

    /// Checks `mutation` against `state` and returns what it changes.
    private func change(for mutation: GraphMutation, in state: State) throws(MemoryGraphError) -> Change {
        switch mutation {
        case .addNodes(let drafts):
            let (checked, new) = try check(drafts, in: state)
            return { state in
                for draft in new {
                    Self.insert(draft, into: &state)
                    if let id = draft.id, let added = state.nodes[id]?.node { state.log(.nodeAdded, added) }
                }
                return .added(checked.compactMap(\.id))
            }
        case .updateNode(let id, let update, let expectedVersion, let updatedAt):
            let updated = try check(update, of: id, expectedVersion: expectedVersion, at: updatedAt, in: state)
            let previous = state.nodes[id]?.node
            return { state in
                state.nodes[id] = updated
                if let embedding = updated.embedding, state.embeddingDimension == nil {
                    state.embeddingDimension = embedding.count
                }
                state.log(.nodeUpdated, updated.node, previous: previous)
                return .updated(updated.node.revision)
            }
        case .removeNode(let id):
            return { state in .changed(Self.remove(id, from: &state, logging: .nodeRemoved)) }
        case .forgetNodes(var query, let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a forget batch's limit must be positive") }
            query.limit = limit
            let ids = state.matching(query, after: nil).prefix(limit).map(\.posting.id)
            return { state in
                .removed(
                    ids.reduce(0) { count, id in count + (Self.remove(id, from: &state, logging: .nodeRemoved) ? 1 : 0)
                    })
            }
        case .sweepExpired(let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a sweep's limit must be positive") }
            let now = configuration.currentTime()
            return { state in .removed(Self.sweepExpired(from: &state, limit: limit, now: now)) }
        case .link(let source, let target):
            guard source != target else {
                throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself")
            }
            for id in [source, target] where state.nodes[id] == nil {
                throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
            }
            return { state in
                guard state.links[source, default: []].insert(target).inserted else { return .changed(false) }
                state.logLink(.linked, from: source, to: target)
                return .changed(true)
            }
        case .unlink(let source, let target):
            return { state in
                let removed = state.links[source]?.remove(target) != nil
                if state.links[source]?.isEmpty == true { state.links[source] = nil }
                if removed { state.logLink(.unlinked, from: source, to: target) }
                return .changed(removed)
            }
        case .createBundle(var bundle):
            try ensureBundling()
            guard state.bundles[bundle.id] == nil else {
                throw MemoryGraphError(.duplicateID, "a bundle with id \(bundle.id) already exists")
            }
            try checkMembers(bundle.nodeIDs, in: state)
            // Kept to the microsecond; a time outside the stored range reads back as the epoch.
            bundle.createdAt = (Microseconds(bundle.createdAt) ?? Microseconds(0)).date
            return { [bundle] state in
                state.bundles[bundle.id] = bundle
                state.logBundle(.bundleCreated, bundle.id)
                return .bundleCreated(bundle.id)
            }
        case .addToBundle(let id, let nodeIDs):
            try ensureBundling()
            guard var bundle = state.bundles[id] else {
                throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist")
            }
            let present = Set(bundle.nodeIDs)
            let added = OrderedSet(nodeIDs).filter { !present.contains($0) }
            bundle.nodeIDs += added
            try checkMembers(bundle.nodeIDs, in: state)
            return { [bundle] state in
                state.bundles[id] = bundle
                if !added.isEmpty { state.logBundle(.bundleChanged, id) }
                return .done
            }
        case .removeBundle(let id):
            try ensureBundling()
            return { state in
                guard state.bundles.removeValue(forKey: id) != nil else { return .changed(false) }
                state.logBundle(.bundleRemoved, id)
                return .changed(true)
            }
        case .setCreationTime(let date):
            guard let time = Microseconds(date) else {
                throw MemoryGraphError(
                    .invalidArgument,
                    "creation time \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
            }
            return { state in
                state.createdAt = time
                return .done
            }
        }
    }

    /// Checks every draft, then that each id is new — or stored with the draft's content, which
    /// is then not added again — and each link target exists (in the store or earlier in
    /// `drafts`); returns the drafts completed (ids, timestamps, links in order), and those of
    /// them to insert.
    private func check(_ drafts: [NodeDraft], in state: State) throws(MemoryGraphError) -> (
        checked: [NodeDraft], new: [NodeDraft]
    ) {
        var checked: [NodeDraft] = []
        for (index, draft) in drafts.enumerated() {
            do {
                checked.append(
                    try Validation.check(
                        draft, maximumPayloadSize: configuration.maximumPayloadSize, now: configuration.currentTime()))
            } catch var error as MemoryGraphError {
                if drafts.count > 1 { error.message = "draft \(index): \(error.message)" }
                throw error
            } catch {
                throw MemoryGraphError(.storage, "checking draft \(index) failed", underlyingError: error)
            }
        }
        var earlier = Set<NodeID>()
        var new: [NodeDraft] = []
        for draft in checked {
            // `Validation.check` gave every draft its id and timestamp.
            guard let id = draft.id else { preconditionFailure("a checked draft has no id") }
            if earlier.contains(id) {
                throw MemoryGraphError(.duplicateID, "node id \(id) is given twice in one call")
            }
            if let stored = state.node(id) {
                guard draft.matches(stored, embedding: state.nodes[id]?.embedding) else {
                    throw MemoryGraphError.duplicateNode(id)
                }
                earlier.insert(id)
                continue
            }
            for target in draft.links where !earlier.contains(target) && state.nodes[target] == nil {
                throw MemoryGraphError(
                    .nodeNotFound, "node \(id) links to \(target), which does not exist; add it first")
            }
            if let embedding = draft.embedding {
                let dimension = state.embeddingDimension ?? new.lazy.compactMap(\.embedding).first?.count
                try Self.checkDimension(of: embedding, against: dimension)
            }
            earlier.insert(id)
            new.append(draft)
        }
        return (checked, new)
    }

    /// Checks an update of node `id` against the stored node and returns the node it stores.
    private func check(
        _ update: NodeUpdate, of id: NodeID, expectedVersion: Int?, at updatedAt: Date, in state: State
    ) throws(MemoryGraphError) -> StoredNode {
        let type: String?
        let confidence: Double?
        let time: Microseconds?
        do {
            try Validation.check(update, expectedVersion: expectedVersion, now: configuration.currentTime())
            time = Microseconds(updatedAt)
            type = try update.result.map(Validation.type) ?? nil
            confidence = try update.result.map(Validation.confidence) ?? nil
        } catch {
            throw MemoryGraphError.from(error)
        }
        guard let time else { throw MemoryGraphError.updateTimeOutOfRange(updatedAt) }
        guard var stored = state.nodes[id] else { throw MemoryGraphError.missingNode(id) }
        if let expectedVersion, expectedVersion != stored.node.version {
            throw MemoryGraphError.versionConflict(id, expected: expectedVersion, current: stored.node.version)
        }
        if case .set(let vector) = update.embedding {
            try Self.checkDimension(of: vector, against: state.embeddingDimension)
        }
        let result = update.result ?? stored.node.result
        let metadata = update.metadata ?? stored.node.metadata
        let size = BinaryJSON.encodedSize(result) + BinaryJSON.encodedSize(.object(metadata))
        do {
            try Validation.payloadSize(size, limit: configuration.maximumPayloadSize)
        } catch {
            throw MemoryGraphError.from(error)
        }
        let version: Int
        do {
            version = try Validation.nextVersion(after: stored.node.version, of: id)
        } catch {
            throw MemoryGraphError.from(error)
        }
        stored.node = stored.node.updated(update, revision: NodeRevision(version: version, updatedAt: time.date))
        if update.result != nil {
            stored.type = type
            stored.confidence = confidence
        }
        if let change = update.embedding { stored.embedding = change.vector }
        return stored
    }

    /// Throws unless `vector` has `dimension` components (any, while the store has none).
    private static func checkDimension(of vector: [Float], against dimension: Int?) throws(MemoryGraphError) {
        guard let dimension else { return }
        do {
            try Embedding.dimension(of: vector, matches: dimension, "embedding")
        } catch {
            throw MemoryGraphError.from(error)
        }
    }

    /// Stores a checked draft and its links.
    private static func insert(_ draft: NodeDraft, into state: inout State) {
        guard let id = draft.id, let date = draft.timestamp, let timestamp = Microseconds(date) else {
            preconditionFailure("a checked draft has no id or a timestamp outside the stored range")
        }
        let node = MemoryNode(
            id: id, agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result,
            timestamp: timestamp.date, metadata: draft.metadata, version: draft.revision?.version ?? 1,
            updatedAt: draft.revision?.updatedAt, expiresAt: draft.expiresAt)
        // The checked draft's type and confidence are valid, so these are the values queries see.
        let type = try? Validation.type(of: draft.result)
        let confidence = try? Validation.confidence(of: draft.result)
        state.nodes[id] = StoredNode(
            node: node, type: type ?? nil, confidence: confidence ?? nil,
            posting: Posting(timestamp: timestamp, id: id),
            embedding: draft.embedding)
        if let embedding = draft.embedding, state.embeddingDimension == nil {
            state.embeddingDimension = embedding.count
        }
        if !draft.links.isEmpty { state.links[id] = Set(draft.links) }
    }

    /// The most expired nodes one batch removes before its mutations: 1 000, as the LMDB writer.
    static let sweepLimit = 1_000

    /// Removes up to `limit` of the nodes expired at `now`, soonest first (ties by id), each
    /// logged as ``GraphChange/Kind/nodeExpired``; returns how many.
    static func sweepExpired(from state: inout State, limit: Int, now: Date) -> Int {
        let due = state.expired(at: now).prefix(limit)
        for id in due { _ = remove(id, from: &state, logging: .nodeExpired) }
        return due.count
    }

    /// Removes node `id` with its links in both directions and its place in every bundle,
    /// logged as a change of `kind` (none when `kind` is `nil`).
    static func remove(_ id: NodeID, from state: inout State, logging kind: GraphChange.Kind?) -> Bool {
        guard let removed = state.nodes.removeValue(forKey: id) else { return false }
        if let kind { state.log(kind, removed.node, previous: removed.node) }
        state.links[id] = nil
        for (source, targets) in state.links where targets.contains(id) {
            state.links[source]?.remove(id)
            if state.links[source]?.isEmpty == true { state.links[source] = nil }
        }
        for (bundleID, bundle) in state.bundles where bundle.nodeIDs.contains(id) {
            state.bundles[bundleID]?.nodeIDs.removeAll { $0 == id }
        }
        return true
    }

    /// Checks that a bundle of `nodeIDs` stays within the limit and names only stored nodes.
    private func checkMembers(_ nodeIDs: [NodeID], in state: State) throws(MemoryGraphError) {
        let maximum = configuration.maxNodesPerBundle
        guard nodeIDs.count <= maximum else {
            throw MemoryGraphError(
                .bundleTooLarge,
                "a bundle may hold at most \(maximum) nodes (Configuration.maxNodesPerBundle); "
                    + "this one would hold \(nodeIDs.count)")
        }
        for id in nodeIDs where state.nodes[id] == nil {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist; a bundle can only name stored nodes")
        }
    }

    private func ensureBundling() throws(MemoryGraphError) {
        guard configuration.enableBundling else {
            throw MemoryGraphError(
                .bundlingDisabled, "bundles are disabled; set Configuration.enableBundling to use them")
        }
    }
}
