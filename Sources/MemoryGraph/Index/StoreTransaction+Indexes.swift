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

    /// Adds node `id` to every secondary index: an ``IndexEntry`` in each posting list (with the
    /// node's ``FilterFields`` in the lists keyed by interned ids), and its posting in `idx.time`.
    func index(_ id: NodeID, _ header: NodeHeader) throws {
        let entry = IndexEntry(id, header)
        let (withFields, bare) = (entry.bytes, entry.posting.bytes)
        for list in indexEntries(header) {
            let isNewKey = try list.distinctCounter != nil && !txn.contains(list.key, in: list.database)
            try txn.put(
                schema.carriesFilterFields(list.database) ? withFields : bare, forKey: list.key, in: list.database,
                flags: .noDuplicateData)
            if isNewKey, let counter = list.distinctCounter { try adjustCounter(counter, by: 1) }
        }
        try txn.put([UInt8](), forKey: bare, in: schema.byTime)
    }

    /// Removes node `id` from every secondary index.
    func unindex(_ id: NodeID, _ header: NodeHeader) throws {
        let entry = IndexEntry(id, header)
        let (withFields, bare) = (entry.bytes, entry.posting.bytes)
        for list in indexEntries(header) {
            try txn.delete(
                list.key, value: schema.carriesFilterFields(list.database) ? withFields : bare, in: list.database)
            if let counter = list.distinctCounter, try !txn.contains(list.key, in: list.database) {
                try adjustCounter(counter, by: -1)
            }
        }
        try txn.delete(bare, in: schema.byTime)
    }

    /// Empties every secondary index and its counter, then files every node whose header
    /// decodes again (in the current entry format).
    ///
    /// - Returns: The nodes indexed.
    @discardableResult
    func rebuildIndexes() throws -> [NodeID] {
        for database in [
            schema.byAgent, schema.byContext, schema.byAgentContext, schema.byType, schema.byTime, schema.byConfidence,
            schema.pendingIndexing,
        ] {
            try txn.removeAll(in: database)
        }
        for counter in [MetaKey.agentCount, MetaKey.contextCount, MetaKey.typeCount] {
            try adjustCounter(counter, by: -(try self.counter(counter)))
        }
        var nodes: [(NodeID, NodeHeader)] = []
        try txn.scan(schema.nodes) { key, value in
            if key.count == 16, let header = try? NodeHeader(value) { nodes.append((NodeID(key, at: 0), header)) }
            return true
        }
        for (id, header) in nodes { try index(id, header) }
        return nodes.map(\.0)
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
