import LMDB

extension MemoryGraph {
    /// Writes a logical dump of the store (see the README's dump format), one line at a time,
    /// from one read snapshot: writers may keep writing, the dump shows one moment. Memory use
    /// does not grow with the store.
    ///
    /// ```swift
    /// let file = FileHandle(forWritingAtPath: "backup.jsonl")!
    /// try graph.dump { line in file.write(Data(line.utf8)) }
    /// ```
    ///
    /// - Parameters:
    ///   - write: Receives each line, newline included, in order.
    ///   - progress: Called after each record.
    public func dump(
        to write: (String) throws -> Void, progress: ((DumpProgress) -> Void)? = nil
    ) throws -> DumpSummary {
        try read { store in
            let schema = store.schema
            let nodeCount = try store.txn.statistics(of: schema.nodes).entries
            let bundleCount = try store.txn.statistics(of: schema.bundles).entries
            let linkCount = try store.txn.statistics(of: schema.linksOut).entries
            let createdAt = try store.txn.withValue(forKey: MetaKey.createdAt, in: schema.meta) { bytes in
                bytes.map { $0.count == 8 ? Microseconds(sortable: $0.bigEndianUInt64(at: 0)) : Microseconds(0) }
            }
            var checksum = FNV1a()
            func emit(_ value: JSONValue) throws {
                let line = try value.jsonString() + "\n"
                checksum.update(line.utf8)
                try write(line)
            }
            try emit(
                DumpFormat.header(
                    createdAt: createdAt ?? Microseconds(0), nodes: nodeCount, bundles: bundleCount, links: linkCount))
            var done = 0
            let total = nodeCount + bundleCount
            for (database, isNode) in [(schema.nodes, true), (schema.bundles, false)] {
                var failure: (any Error)?
                try store.txn.scan(database) { key, _ in
                    guard key.count == 16 else {
                        failure = MemoryGraphError(.corruption, "a key of \(database) is not 16 bytes; run verify")
                        return false
                    }
                    do {
                        if isNode {
                            let id = NodeID(key, at: 0)
                            guard let node = try store.node(id) else { return true }
                            try emit(DumpFormat.node(node))
                        } else {
                            let id = BundleID(key, at: 0)
                            guard let bundle = try store.bundle(id) else { return true }
                            try emit(DumpFormat.bundle(bundle))
                        }
                    } catch {
                        failure = error
                        return false
                    }
                    done += 1
                    progress?(DumpProgress(recordsDone: done, recordsTotal: total))
                    return true
                }
                if let failure { throw failure }
            }
            let summary = DumpSummary(
                nodes: nodeCount, bundles: bundleCount, links: linkCount,
                checksum: DumpFormat.checksumPrefix + checksum.hex)
            try write(
                try DumpFormat.trailer(nodes: nodeCount, bundles: bundleCount, checksum: checksum).jsonString() + "\n")
            return summary
        }
    }
}
