import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// Replaces node `id`'s result and/or metadata with `update`'s, as the next version updated
    /// at `updatedAt`, and moves its index entries when its type or confidence changed; logs
    /// the change with the node's record before it. Checks everything before the first put.
    ///
    /// - Returns: The node's new revision.
    /// - Throws: ``MemoryGraphError/Code/nodeNotFound``, ``MemoryGraphError/Code/versionConflict``
    ///   unless the node is at `expectedVersion` (when given),
    ///   ``MemoryGraphError/Code/payloadTooLarge``.
    mutating func update(
        _ id: NodeID, _ update: PreparedUpdate, expectedVersion: Int?, updatedAt: Microseconds,
        maximumPayloadSize: Int
    ) throws -> NodeRevision {
        let stored = try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) {
                bytes -> (NodeHeader, [UInt8], [UInt8], [NodeID]?, [UInt8])? in
                guard let bytes else { return nil }
                let record: NodeRecord
                do {
                    record = try NodeRecord(bytes)
                } catch {
                    throw MemoryGraphError.corrupt(error, node: id)
                }
                let start = record.header.payloadOffset
                let end = start + record.header.resultLength
                return (
                    record.header, Array(bytes[start..<end]), Array(bytes[end...]), record.links, Array(bytes)
                )
            }
        }
        guard let (old, storedResult, storedMetadata, carriedLinks, previous) = stored else {
            throw MemoryGraphError.missingNode(id)
        }
        if let expectedVersion, expectedVersion != old.version {
            throw MemoryGraphError.versionConflict(id, expected: expectedVersion, current: old.version)
        }
        let result = update.result?.bytes ?? storedResult
        let metadata = update.metadata ?? storedMetadata
        try Validation.payloadSize(result.count + metadata.count, limit: maximumPayloadSize)
        var new = old
        new.version = try Validation.nextVersion(after: old.version, of: id)
        new.updatedAt = updatedAt
        if let updated = update.result {
            new.type = try updated.type.map { try intern($0, kind: .type) }
            new.confidence = updated.confidence
        }
        if let expiresAt = update.expiresAt { new.expiresAt = expiresAt }
        if case .some(.some(let vector)) = update.embedding { try checkDimension(of: vector) }
        var textChange: (old: [String], new: [String])?
        // Metadata counts only through the index's paths: with none, a metadata update keeps the terms.
        if let paths = try textIndexPaths(), update.result != nil || (update.metadata != nil && !paths.isEmpty) {
            let oldTerms = try textTerms(result: storedResult, metadata: storedMetadata, paths: paths)
            let newTerms = try textTerms(result: result, metadata: metadata, paths: paths)
            if oldTerms != newTerms { textChange = (oldTerms, newTerms) }
        }
        let record = new.record(result: result, metadata: metadata, links: carriedLinks)
        try id.withUnsafeBytes { key in _ = try txn.put(record, forKey: key, in: schema.nodes) }
        changes?.nodes.insert(id)
        if let textChange {
            try unindexText(id, terms: textChange.old)
            try indexText(id, terms: textChange.new)
        }
        switch update.embedding {
        case .some(.some(let vector)): try putEmbedding(vector, of: id)
        case .some(.none): try deleteEmbedding(of: id)
        case .none: break
        }
        logNode(.nodeUpdated, id, new, version: new.version, previous: previous)
        if new.expiresAt != old.expiresAt {
            if let time = old.expiresAt { try unfileExpiry(of: id, at: time) }
            if let time = new.expiresAt { try fileExpiry(of: id, at: time) }
        }
        // A node still waiting for its index entries gets them from its new header; the others
        // move when a field their entries carry changed.
        if FilterFields(new) != FilterFields(old),
            try !id.withUnsafeBytes({ try txn.contains($0, in: schema.pendingIndexing) })
        {
            try unindex(id, old)
            try index([(id, new)])
        }
        return new.revision
    }
}
