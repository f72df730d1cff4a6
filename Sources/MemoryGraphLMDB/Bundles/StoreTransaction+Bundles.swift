import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// The bundle `id`, or `nil`.
    func bundle(_ id: BundleID) throws -> MemoryBundle? {
        let stored = try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.bundles) { bytes in
                try bytes.map { try BundleRecord.decode($0, id: id) }
            }
        }
        // A read leaves out the members that expired.
        guard var bundle = stored, expiry != nil, !bundle.nodeIDs.isEmpty else { return stored }
        let hidden = try hidden()
        if !hidden.isEmpty { bundle.nodeIDs.removeAll(where: hidden.contains) }
        return bundle
    }

    /// `created-at (8) | bundle id (16)`: the value of the bundle's entries in the task and
    /// context indexes, so each list is in creation order.
    static func bundlePosting(_ bundle: MemoryBundle) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        bytes.appendBigEndian((Microseconds(bundle.createdAt) ?? Microseconds(0)).sortable)
        bundle.id.write(to: &bytes)
        return bytes
    }

    /// Checks that every node exists and the bundle stays within `maximumNodes`.
    func checkMembers(_ nodeIDs: [NodeID], maximumNodes: Int) throws {
        guard nodeIDs.count <= maximumNodes else {
            throw MemoryGraphError(
                .bundleTooLarge,
                "a bundle may hold at most \(maximumNodes) nodes (Configuration.maxNodesPerBundle); "
                    + "this one would hold \(nodeIDs.count)")
        }
        for id in nodeIDs where try !nodeExists(id) {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist; a bundle can only name stored nodes")
        }
    }

    /// Writes a new bundle and its index entries.
    mutating func insert(_ bundle: MemoryBundle) throws {
        try writeBundleRecord(bundle)
        let posting = Self.bundlePosting(bundle)
        let task = try intern(bundle.taskID, kind: .task)
        try txn.put(posting, forKey: IndexKey.id(task), in: schema.bundlesByTask, flags: .noDuplicateData)
        for context in bundle.contexts {
            let contextID = try intern(context, kind: .context)
            try txn.put(posting, forKey: IndexKey.id(contextID), in: schema.bundlesByContext, flags: .noDuplicateData)
        }
        try addMembership(bundle.id, nodes: bundle.nodeIDs)
    }

    func addMembership(_ bundleID: BundleID, nodes: [NodeID]) throws {
        try bundleID.withUnsafeBytes { bundleKey in
            for node in nodes {
                try node.withUnsafeBytes { nodeKey in
                    _ = try txn.put(bundleKey, forKey: nodeKey, in: schema.bundlesByNode, flags: .noDuplicateData)
                }
            }
        }
    }

    func writeBundleRecord(_ bundle: MemoryBundle) throws {
        let record = BundleRecord.encode(bundle, createdAt: Microseconds(bundle.createdAt) ?? Microseconds(0))
        try bundle.id.withUnsafeBytes { key in
            _ = try txn.put(record, forKey: key, in: schema.bundles)
        }
    }

    /// Deletes bundle `id` and its index entries; `false` when it does not exist.
    func removeBundle(_ id: BundleID) throws -> Bool {
        guard let bundle = try bundle(id) else { return false }
        let posting = Self.bundlePosting(bundle)
        if let task = try existingID(bundle.taskID, kind: .task) {
            try txn.delete(IndexKey.id(task), value: posting, in: schema.bundlesByTask)
        }
        for context in bundle.contexts {
            if let contextID = try existingID(context, kind: .context) {
                try txn.delete(IndexKey.id(contextID), value: posting, in: schema.bundlesByContext)
            }
        }
        try id.withUnsafeBytes { bundleKey in
            for node in bundle.nodeIDs {
                try node.withUnsafeBytes { nodeKey in
                    _ = try txn.delete(nodeKey, value: bundleKey, in: schema.bundlesByNode)
                }
            }
            _ = try txn.delete(bundleKey, in: schema.bundles)
        }
        return true
    }

    /// The bundles listed under `key` in a bundle index, newest first.
    func bundles(_ key: [UInt8], in database: Database, limit: Int? = nil) throws -> [MemoryBundle] {
        var ids: [BundleID] = []
        try txn.forEachDuplicate(of: key, in: database, direction: .backward) { value in
            guard value.count == 24 else {
                throw MemoryGraphError(.corruption, "an entry of \(database) has \(value.count) bytes, not 24")
            }
            ids.append(BundleID(value, at: 8))
            return limit.map { ids.count < $0 } ?? true
        }
        return try ids.map { id in
            guard let bundle = try bundle(id) else {
                throw MemoryGraphError(
                    .corruption, "\(database) names bundle \(id), which does not exist; run `memory-graph verify`")
            }
            return bundle
        }
    }
}
