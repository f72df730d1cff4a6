import DequeModule
public import Foundation
import LMDB
public import MemoryGraphCore
import OrderedCollections

/// Mutations: each becomes a ``WriteRequest`` on the calling thread (node records are encoded
/// there, not on the writer), then the batch goes to the ``Writer`` as one unit.
extension LMDBStore {
    public func applySynchronously(_ mutations: [GraphMutation]) -> [Result<MutationOutcome, MemoryGraphError>] {
        let (requests, prepared) = requests(for: mutations)
        return merged(prepared, writer.perform(requests))
    }

    public func apply(_ mutations: [GraphMutation]) async -> [Result<MutationOutcome, MemoryGraphError>] {
        let (requests, prepared) = requests(for: mutations)
        return merged(prepared, await writer.perform(requests))
    }

    /// Modifies node `id` inside one write transaction: `body` runs once, on the writer, between
    /// the read and the write, so no retry is needed. See ``GraphStore/modifyNode(_:updatedAt:_:)``.
    public func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) throws -> MemoryNode {
        try modified(writer.perform([modification(id, updatedAt: updatedAt, body)])[0])
    }

    public func modifyNode(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) async throws -> MemoryNode {
        try modified(await writer.perform([modification(id, updatedAt: updatedAt, body)])[0])
    }

    /// The write of a modify. What `body` throws is its value, not a failure of the write, so
    /// that the caller gets it as it is; nothing of the modify is written then.
    private func modification(
        _ id: NodeID, updatedAt: Date, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) throws -> WriteRequest<Result<MemoryNode, any Error>> {
        do {
            try ensureWritable()
        } catch {
            throw parts.translate(error)
        }
        guard let time = Microseconds(updatedAt) else { throw MemoryGraphError.updateTimeOutOfRange(updatedAt) }
        let limit = configuration.maximumPayloadSize
        let clock = configuration.currentTime
        return WriteRequest { store in
            guard let node = try store.node(id) else { throw MemoryGraphError.missingNode(id) }
            let update: NodeUpdate?
            do {
                update = try body(node)
            } catch {
                return .failure(error)
            }
            guard let update else { return .success(node) }
            let prepared = try Validation.prepare(update, expectedVersion: nil, now: clock())
            let revision = try store.update(
                id, prepared, expectedVersion: nil, updatedAt: time, maximumPayloadSize: limit)
            return .success(node.updated(update, revision: revision))
        }
    }

    private func modified(_ result: Result<Result<MemoryNode, any Error>, MemoryGraphError>) throws -> MemoryNode {
        try result.get().get()
    }

    /// The requests for the mutations that passed their checks, and each mutation's request or
    /// error, in order.
    private func requests(for mutations: [GraphMutation]) -> (
        [WriteRequest<MutationOutcome>], [Result<WriteRequest<MutationOutcome>, MemoryGraphError>]
    ) {
        let prepared = mutations.map { mutation in
            Result { () throws(MemoryGraphError) -> WriteRequest<MutationOutcome> in
                do {
                    try ensureWritable()
                    return try request(for: mutation)
                } catch {
                    throw parts.translate(error)
                }
            }
        }
        return (prepared.compactMap { try? $0.get() }, prepared)
    }

    /// The results of the mutations: the writer's for those submitted, the check's for the rest.
    private func merged(
        _ prepared: [Result<WriteRequest<MutationOutcome>, MemoryGraphError>],
        _ committed: [Result<MutationOutcome, MemoryGraphError>]
    ) -> [Result<MutationOutcome, MemoryGraphError>] {
        var next = committed.makeIterator()
        return prepared.map { request in
            switch request {
            case .success: next.next() ?? .failure(MemoryGraphError(.storage, "a write finished without a result"))
            case .failure(let error): .failure(error)
            }
        }
    }

    /// The write of `mutation`, checked as far as it can be without the store.
    private func request(for mutation: GraphMutation) throws -> WriteRequest<MutationOutcome> {
        switch mutation {
        case .addNodes(let drafts):
            let limit = configuration.maximumPayloadSize
            let now = configuration.currentTime()
            let nodes = try drafts.enumerated().map { index, draft in
                do {
                    return try Validation.prepare(draft, maximumPayloadSize: limit, now: now)
                } catch var error as MemoryGraphError where drafts.count > 1 {
                    error.message = "draft \(index): \(error.message)"
                    throw error
                }
            }
            let paths = configuration.searchableMetadataPaths
            var computed: [NodeID: [String]] = [:]
            for (node, draft) in zip(nodes, drafts) { computed[node.id] = draft.searchTerms(metadataPaths: paths) }
            let precomputed = computed
            return WriteRequest { store in
                var terms = precomputed
                if let stored = try store.textIndexPaths(), stored != paths {
                    // Another process rebuilt the index with other paths: take the terms with those.
                    for (node, draft) in zip(nodes, drafts) {
                        terms[node.id] = draft.searchTerms(metadataPaths: stored)
                    }
                }
                var earlier = Set<NodeID>()
                var new: [PreparedNode] = []
                for node in nodes {
                    let firstEmbedding = new.lazy.compactMap(\.embedding).first
                    if try store.check(node, earlier: earlier, firstEmbedding: firstEmbedding) { new.append(node) }
                    earlier.insert(node.id)
                }
                try store.insert(new, terms: terms)
                return .added(nodes.map(\.id))
            }
        case .updateNode(let id, let update, let expectedVersion, let updatedAt):
            let prepared = try Validation.prepare(
                update, expectedVersion: expectedVersion, now: configuration.currentTime())
            guard let time = Microseconds(updatedAt) else { throw MemoryGraphError.updateTimeOutOfRange(updatedAt) }
            let limit = configuration.maximumPayloadSize
            return WriteRequest { store in
                .updated(
                    try store.update(
                        id, prepared, expectedVersion: expectedVersion, updatedAt: time, maximumPayloadSize: limit))
            }
        case .removeNode(let id):
            return WriteRequest { store in .changed(try store.remove(id, logging: .nodeRemoved)) }
        case .forgetNodes(var query, let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a forget batch's limit must be positive") }
            query.limit = limit
            let lazy = lmdbConfiguration.indexUpdateStrategy == .lazy
            return WriteRequest { [query] store in
                // Nodes still waiting for their index entries must be found too.
                if lazy { store.changes?.deferredNodes -= try store.applyPendingIndexing() }
                var removed = 0
                for id in try store.queryIDs(query) where try store.remove(id, logging: .nodeRemoved) {
                    removed += 1
                }
                return .removed(removed)
            }
        case .sweepExpired(let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a sweep's limit must be positive") }
            let parts = parts
            // A sweep is its own: the transaction's first sweep would leave it nothing to count.
            return WriteRequest(sweepsFirst: false) { store in
                .removed(try store.sweepExpired(at: parts.now, limit: limit))
            }
        case .link(let source, let target):
            guard source != target else {
                throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself")
            }
            return WriteRequest { store in
                for id in [source, target] where try !store.nodeExists(id) {
                    throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
                }
                guard try store.putLink(from: source, to: target) else { return .changed(false) }
                try store.logLink(.linked, from: source, to: target)
                return .changed(true)
            }
        case .unlink(let source, let target):
            return WriteRequest { store in
                guard try store.deleteLink(from: source, to: target) else { return .changed(false) }
                try store.logLink(.unlinked, from: source, to: target)
                return .changed(true)
            }
        case .createBundle(let bundle):
            try ensureBundling()
            let maximumNodes = configuration.maxNodesPerBundle
            return WriteRequest { store in
                // Writing over an existing bundle would leave its index entries behind.
                guard try store.bundle(bundle.id) == nil else {
                    throw MemoryGraphError(.duplicateID, "a bundle with id \(bundle.id) already exists")
                }
                try store.checkMembers(bundle.nodeIDs, maximumNodes: maximumNodes)
                try store.insert(bundle)
                store.log(PendingChange(kind: .bundleCreated, bundle: bundle.id))
                return .bundleCreated(bundle.id)
            }
        case .addToBundle(let id, let nodeIDs):
            try ensureBundling()
            let maximumNodes = configuration.maxNodesPerBundle
            return WriteRequest { store in
                guard var bundle = try store.bundle(id) else {
                    throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist")
                }
                let present = Set(bundle.nodeIDs)
                let added = Array(OrderedSet(nodeIDs).filter { !present.contains($0) })
                bundle.nodeIDs += added
                try store.checkMembers(bundle.nodeIDs, maximumNodes: maximumNodes)
                try store.writeBundleRecord(bundle)
                try store.addMembership(id, nodes: added)
                if !added.isEmpty { store.log(PendingChange(kind: .bundleChanged, bundle: id)) }
                return .done
            }
        case .removeBundle(let id):
            try ensureBundling()
            return WriteRequest { store in
                guard try store.removeBundle(id) else { return .changed(false) }
                store.log(PendingChange(kind: .bundleRemoved, bundle: id))
                return .changed(true)
            }
        case .setCreationTime(let date):
            guard let time = Microseconds(date) else {
                throw MemoryGraphError(
                    .invalidArgument,
                    "creation time \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
            }
            return WriteRequest { store in
                var bytes: [UInt8] = []
                bytes.appendBigEndian(time.sortable)
                try store.txn.put(bytes, forKey: MetaKey.createdAt, in: store.schema.meta)
                return .done
            }
        }
    }

    private func ensureBundling() throws {
        guard configuration.enableBundling else {
            throw MemoryGraphError(
                .bundlingDisabled, "bundles are disabled; set Configuration.enableBundling to use them")
        }
    }
}
