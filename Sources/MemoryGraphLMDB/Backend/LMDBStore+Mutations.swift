import DequeModule
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
            let nodes = try drafts.enumerated().map { index, draft in
                do {
                    return try Validation.prepare(draft, maximumPayloadSize: limit)
                } catch var error as MemoryGraphError where drafts.count > 1 {
                    error.message = "draft \(index): \(error.message)"
                    throw error
                }
            }
            return WriteRequest { store in
                var earlier = Set<NodeID>()
                for node in nodes {
                    try store.check(node, earlier: earlier)
                    earlier.insert(node.id)
                }
                try store.insert(nodes)
                return .added(nodes.map(\.id))
            }
        case .removeNode(let id):
            return WriteRequest { store in .changed(try store.remove(id)) }
        case .link(let source, let target):
            guard source != target else {
                throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself")
            }
            return WriteRequest { store in
                for id in [source, target] where try !store.nodeExists(id) {
                    throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
                }
                return .changed(try store.putLink(from: source, to: target))
            }
        case .unlink(let source, let target):
            return WriteRequest { store in .changed(try store.deleteLink(from: source, to: target)) }
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
                return .done
            }
        case .removeBundle(let id):
            try ensureBundling()
            return WriteRequest { store in .changed(try store.removeBundle(id)) }
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
