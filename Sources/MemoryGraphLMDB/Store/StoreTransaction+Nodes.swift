import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// Checks that `node` can be inserted: its id is new — or stored with the node's content
    /// (agent, context, result, metadata, links and embedding), so that a retried add succeeds
    /// without a change — every link target exists (in the store or among `earlier`, the nodes
    /// before it in the same call), and its embedding has the store's dimension, or the
    /// dimension of `firstEmbedding`, the first among the nodes before it, when the store has none.
    ///
    /// - Returns: Whether the node is new and must be inserted.
    func check(_ node: PreparedNode, earlier: Set<NodeID>, firstEmbedding: [Float]? = nil) throws -> Bool {
        if earlier.contains(node.id) {
            throw MemoryGraphError(.duplicateID, "node id \(node.id) is given twice in one call")
        }
        if try nodeExists(node.id) {
            guard try holds(node) else { throw MemoryGraphError.duplicateNode(node.id) }
            return false
        }
        for target in node.links where !earlier.contains(target) {
            guard try nodeExists(target) else {
                throw MemoryGraphError(
                    .nodeNotFound, "node \(node.id) links to \(target), which does not exist; add it first")
            }
        }
        if let embedding = node.embedding {
            try checkDimension(of: embedding)
            if let firstEmbedding { try Embedding.dimension(of: embedding, matches: firstEmbedding.count, "embedding") }
        }
        return true
    }

    /// Whether the stored node with `node`'s id has its agent, context, result, metadata, links
    /// and expiry. Binary JSON is canonical (object members in key order), so equal values have
    /// equal bytes.
    private func holds(_ node: PreparedNode) throws -> Bool {
        let stored = try node.id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) { bytes -> (NodeHeader, [NodeID]?, Bool)? in
                guard let bytes else { return nil }
                let record: NodeRecord
                do {
                    record = try NodeRecord(bytes)
                } catch {
                    throw MemoryGraphError.corrupt(error, node: node.id)
                }
                let payload = bytes[record.header.payloadOffset...]
                let samePayload =
                    record.header.resultLength == node.result.count
                    && payload.elementsEqual(node.result + node.metadata)
                return (record.header, record.links, samePayload)
            }
        }
        guard let (header, carriedLinks, samePayload) = stored, samePayload, header.expiresAt == node.expiresAt,
            try embedding(of: node.id) == node.embedding
        else {
            return false
        }
        guard try existingID(node.agentID, kind: .agent) == header.agent,
            try existingID(node.taskContext, kind: .context) == header.context
        else { return false }
        return try (carriedLinks ?? links(from: node.id)) == node.links
    }

    /// Writes checked nodes: each one's record, links and full-text terms (`terms`, by id), then
    /// the index entries of them all in one ``index(_:)`` call (or, when indexing is deferred,
    /// their `idx.pending` entries).
    mutating func insert(_ nodes: [PreparedNode], terms: [NodeID: [String]]) throws {
        var unindexed: [(id: NodeID, header: NodeHeader)] = []
        var lastRecord = try LastKey(of: schema.nodes, in: txn)
        for node in nodes {
            let header = try writeRecord(of: node, after: &lastRecord)
            logNode(.nodeAdded, node.id, header, version: node.version)
            if let expiresAt = node.expiresAt { try fileExpiry(of: node.id, at: expiresAt) }
            if let embedding = node.embedding { try putEmbedding(embedding, of: node.id) }
            if defersIndexing {
                try node.id.withUnsafeBytes { key in
                    _ = try txn.put([UInt8](), forKey: key, in: schema.pendingIndexing)
                }
                changes?.deferredNodes += 1
            } else {
                unindexed.append((node.id, header))
            }
            for target in node.links {
                try putLink(from: node.id, to: target, refreshingRecord: false)
            }
        }
        try index(unindexed)
        try indexText(nodes.compactMap { node in terms[node.id].map { (id: node.id, terms: $0) } })
    }

    /// Writes the record of a checked node, interning its names, appended when its id is above
    /// `lastRecord` (as ids made now are); returns its header.
    private mutating func writeRecord(of node: PreparedNode, after lastRecord: inout LastKey) throws -> NodeHeader {
        let header = NodeHeader(
            agent: try intern(node.agentID, kind: .agent),
            context: try intern(node.taskContext, kind: .context),
            type: try node.type.map { try intern($0, kind: .type) },
            confidence: node.confidence, timestamp: node.timestamp, resultLength: node.result.count,
            version: node.version, updatedAt: node.updatedAt, expiresAt: node.expiresAt)
        let links = Set(node.links).sorted()
        let record = header.record(
            result: node.result, metadata: node.metadata,
            links: links.count <= NodeHeader.maximumCarriedLinks ? links : nil)
        let key = node.id.bytes
        let flags = lastRecord.flags(toPut: key, .noOverwrite)
        let stored = try txn.put(record, forKey: key, in: schema.nodes, flags: flags)
        guard stored else {
            throw MemoryGraphError(.duplicateID, "a node with id \(node.id) already exists")
        }
        return header
    }

    /// Deletes node `id` with its index entries, its links in both directions and its bundle
    /// memberships, and logs it as a change of `kind` that keeps its last version. Returns
    /// `false` when it does not exist.
    func remove(_ id: NodeID, logging kind: GraphChange.Kind) throws -> Bool {
        guard let header = try header(of: id), let previous = try record(of: id) else { return false }
        changes?.nodes.insert(id)
        if let paths = try textIndexPaths(), let terms = try indexedTerms(of: id, record: previous, paths: paths) {
            try unindexText(id, terms: terms)
        }
        logNode(kind, id, header, version: header.version, previous: previous)
        if let expiresAt = header.expiresAt { try unfileExpiry(of: id, at: expiresAt) }
        // A node still waiting for its index entries has none to remove.
        if try !id.withUnsafeBytes({ try txn.delete($0, in: schema.pendingIndexing) }) {
            try unindex(id, header)
        }
        for target in try links(from: id) {
            try deleteLink(from: id, to: target, refreshingRecord: false)
        }
        for source in try backlinks(to: id) {
            try deleteLink(from: source, to: id)
        }
        for bundleID: BundleID in try idList(id, in: schema.bundlesByNode) {
            guard var bundle = try bundle(bundleID) else { continue }
            bundle.nodeIDs.removeAll { $0 == id }
            try writeBundleRecord(bundle)
        }
        try id.withUnsafeBytes { key in
            _ = try txn.delete(key, in: schema.bundlesByNode)
            _ = try txn.delete(key, in: schema.nodes)
        }
        try deleteEmbedding(of: id)
        return true
    }

    // MARK: Links

    /// Stores the link in `links.out` and `links.in` and, unless `refreshingRecord` is `false`,
    /// in the out-links that `source`'s record carries; `false` when it existed.
    @discardableResult
    func putLink(from source: NodeID, to target: NodeID, refreshingRecord: Bool = true) throws -> Bool {
        let added = try source.withUnsafeBytes { sourceKey in
            try target.withUnsafeBytes { targetKey in
                try txn.put(targetKey, forKey: sourceKey, in: schema.linksOut, flags: .noDuplicateData)
            }
        }
        guard added else { return false }
        changes?.nodes.insert(source)
        try target.withUnsafeBytes { targetKey in
            try source.withUnsafeBytes { sourceKey in
                _ = try txn.put(sourceKey, forKey: targetKey, in: schema.linksIn, flags: .noDuplicateData)
            }
        }
        if refreshingRecord { try refreshRecordLinks(of: source) }
        return true
    }

    /// Removes the link from both link databases and, unless `refreshingRecord` is `false`, from
    /// the out-links that `source`'s record carries; `false` when it did not exist.
    @discardableResult
    func deleteLink(from source: NodeID, to target: NodeID, refreshingRecord: Bool = true) throws -> Bool {
        let removed = try source.withUnsafeBytes { sourceKey in
            try target.withUnsafeBytes { targetKey in
                try txn.delete(sourceKey, value: targetKey, in: schema.linksOut)
            }
        }
        guard removed else { return false }
        changes?.nodes.insert(source)
        try target.withUnsafeBytes { targetKey in
            try source.withUnsafeBytes { sourceKey in
                _ = try txn.delete(targetKey, value: sourceKey, in: schema.linksIn)
            }
        }
        if refreshingRecord { try refreshRecordLinks(of: source) }
        return true
    }

    /// Rewrites `source`'s record so that the out-links it carries are those in `links.out`, or
    /// none when there are more than ``NodeHeader/maximumCarriedLinks``. A record of schema
    /// version 1, which carried none, carries them afterwards. A record whose header does not
    /// decode is left as it is (``MemoryGraph/verify()`` reports it), so a damaged node does not
    /// block changes to the links of the nodes around it.
    func refreshRecordLinks(of source: NodeID) throws {
        let count = try source.withUnsafeBytes { try txn.count(duplicatesOf: $0, in: schema.linksOut) }
        let links = count <= NodeHeader.maximumCarriedLinks ? try self.links(from: source) : nil
        let record = try source.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) { bytes -> [UInt8]? in
                guard let bytes, let header = try? NodeHeader(bytes) else { return nil }
                if links == nil, header.linkCount == nil { return nil }
                return try? NodeRecord.replacingLinks(in: bytes, with: links)
            }
        }
        guard let record else { return }
        try source.withUnsafeBytes { key in _ = try txn.put(record, forKey: key, in: schema.nodes) }
    }

    /// Node ids, newest first, of the posting list `key` in `database` (in a read, without the
    /// expired ones).
    func newestFirst(_ key: [UInt8], in database: Database, limit: Int?) throws -> [NodeID] {
        var ids: [NodeID] = []
        guard limit != 0 else { return ids }
        let hidden = try hidden()
        try txn.forEachDuplicate(of: key, in: database, direction: .backward) { value in
            let entry = try IndexEntry.decode(value, in: database)
            if !hidden.isEmpty, hidden.contains(entry.posting.id) { return true }
            ids.append(entry.posting.id)
            return limit.map { ids.count < $0 } ?? true
        }
        return ids
    }
}
