import LMDB

extension StoreTransaction {
    /// The posting lists a node with `header` belongs to, with the meta counter of distinct keys
    /// each list keeps (if any).
    func indexEntries(_ header: NodeHeader) -> [(database: Database, key: [UInt8], distinctCounter: [UInt8]?)] {
        var entries: [(Database, [UInt8], [UInt8]?)] = [
            (schema.byAgent, IndexKey.id(header.agent), MetaKey.agentCount),
            (schema.byContext, IndexKey.id(header.context), MetaKey.contextCount),
            (schema.byAgentContext, IndexKey.agentContext(header.agent, header.context), nil),
        ]
        if let type = header.type {
            entries.append((schema.byType, IndexKey.id(type), MetaKey.typeCount))
        }
        if let confidence = header.confidence {
            entries.append((schema.byConfidence, IndexKey.confidence(confidence), nil))
        }
        return entries
    }

    /// Adds node `id` to every secondary index.
    func index(_ id: NodeID, _ header: NodeHeader) throws {
        let posting = header.posting(id).bytes
        for entry in indexEntries(header) {
            let isNewKey = try entry.distinctCounter != nil && !txn.contains(entry.key, in: entry.database)
            try txn.put(posting, forKey: entry.key, in: entry.database, flags: .noDuplicateData)
            if isNewKey, let counter = entry.distinctCounter { try adjustCounter(counter, by: 1) }
        }
        try txn.put([UInt8](), forKey: posting, in: schema.byTime)
    }

    /// Removes node `id` from every secondary index.
    func unindex(_ id: NodeID, _ header: NodeHeader) throws {
        let posting = header.posting(id).bytes
        for entry in indexEntries(header) {
            try txn.delete(entry.key, value: posting, in: entry.database)
            if let counter = entry.distinctCounter, try !txn.contains(entry.key, in: entry.database) {
                try adjustCounter(counter, by: -1)
            }
        }
        try txn.delete(posting, in: schema.byTime)
    }

    /// Writes the index entries of up to `limit` nodes that were inserted without them.
    ///
    /// - Returns: How many nodes were indexed (0 when none was waiting).
    func applyPendingIndexing(limit: Int = .max) throws -> Int {
        var waiting: [NodeID] = []
        try txn.scan(schema.pendingIndexing) { key, _ in
            guard key.count == 16 else {
                throw MemoryGraphError(.corruption, "a key of idx.pending is not 16 bytes; run `memory-graph verify`")
            }
            waiting.append(NodeID(key, at: 0))
            return waiting.count < limit
        }
        for id in waiting {
            if let header = try header(of: id) { try index(id, header) }
            _ = try id.withUnsafeBytes { try txn.delete($0, in: schema.pendingIndexing) }
        }
        return waiting.count
    }
}
