import LMDB
import MemoryGraphCore

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

    /// Adds `nodes` to every secondary index: an ``IndexEntry`` in each posting list (with the
    /// node's ``FilterFields`` in the lists keyed by interned ids), and its posting in
    /// `idx.time`. The entries are written one database after another and in key order within
    /// each, so that consecutive writes land on the same B-tree pages while those are in the
    /// processor's cache, instead of jumping between six B-trees node by node.
    func index(_ nodes: [(id: NodeID, header: NodeHeader)]) throws {
        // 4 096 nodes at a time, so that the entries held in memory stay bounded.
        for start in stride(from: 0, to: nodes.count, by: 4_096) {
            try writeIndexEntries(of: nodes[start..<min(start + 4_096, nodes.count)])
        }
    }

    private func writeIndexEntries(of nodes: ArraySlice<(id: NodeID, header: NodeHeader)>) throws {
        // Each write with the rank of its database (the order in which the databases first
        // appear), by which the writes are grouped.
        var databases: [Database] = []
        databases.reserveCapacity(6)
        var writes: [(rank: Int, key: [UInt8], value: [UInt8], distinctCounter: [UInt8]?)] = []
        writes.reserveCapacity(nodes.count * 6)
        func add(_ database: Database, _ key: [UInt8], _ value: [UInt8], _ distinctCounter: [UInt8]?) {
            let rank: Int
            if let known = databases.firstIndex(of: database) {
                rank = known
            } else {
                rank = databases.count
                databases.append(database)
            }
            writes.append((rank, key, value, distinctCounter))
        }
        for (id, header) in nodes {
            let entry = IndexEntry(id, header)
            let (withFields, bare) = (entry.bytes, entry.posting.bytes)
            for list in indexEntries(header) {
                add(
                    list.database, list.key, schema.carriesFilterFields(list.database) ? withFields : bare,
                    list.distinctCounter)
            }
            add(schema.byTime, bare, [], nil)
        }
        if nodes.count > 1 {
            writes.sort { lhs, rhs in
                if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
                if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
                return lhs.value.lexicographicallyPrecedes(rhs.value)
            }
        }
        // The lists' tails: entries of nodes written as they are made land at the end of their
        // lists, and are appended there.
        var tails = try databases.map { $0.flags.contains(.dupSort) ? try ListTail(of: $0, in: txn) : nil }
        defer { for tail in tails { tail?.close() } }
        for write in writes {
            // Mutated in place; `nil` for a database without lists (`idx.time`).
            guard let isNewKey = try tails[write.rank]?.put(write.value, under: write.key) else {
                try txn.put(write.value, forKey: write.key, in: databases[write.rank], flags: .noDuplicateData)
                continue
            }
            if isNewKey, let counter = write.distinctCounter { try adjustCounter(counter, by: 1) }
        }
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
        try index(nodes)
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
        var unindexed: [(id: NodeID, header: NodeHeader)] = []
        for id in waiting {
            if let header = try header(of: id) { unindexed.append((id, header)) }
            _ = try id.withUnsafeBytes { try txn.delete($0, in: schema.pendingIndexing) }
        }
        try index(unindexed)
        return waiting.count
    }
}
