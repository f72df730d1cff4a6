import LMDB
import MemoryGraphCore

/// Checking and rebuilding the change log's index by node.
extension StoreTransaction {
    /// Checks that every `log` entry decodes (the node version it keeps included), and that `log.node` lists exactly the entries that keep a
    /// version of a node, under that node.
    func verifyLog(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let log = schema.log, let logByNode = schema.logByNode else { return }
        // `log.node` pairs (node id · sequence) the entries call for, with what they name.
        var keeping: [[UInt8]: (node: NodeID, sequence: UInt64)] = [:]
        try txn.scan(log) { key, value in
            guard key.count == 8 else {
                problem(.undecodableRecord, log, "a key of \(key.count) bytes")
                return true
            }
            let sequence = key.bigEndianUInt64(at: 0)
            guard let record = try? ChangeRecord(value) else {
                problem(.undecodableRecord, log, "entry \(sequence) does not decode")
                return true
            }
            if let offset = record.previousOffset,
                (try? NodeRecord(UnsafeRawBufferPointer(rebasing: value[offset...]))) == nil
            {
                problem(.undecodableRecord, log, "the node version kept by entry \(sequence) does not decode")
            }
            if record.keepsVersion, let node = record.node { keeping[node.bytes + Array(key)] = (node, sequence) }
            return true
        }
        var listed = Set<[UInt8]>()
        try txn.scan(logByNode) { key, value in
            let pair = Array(key) + Array(value)
            guard key.count == 16, value.count == 8, keeping[pair] != nil else {
                problem(.orphanIndexEntry, logByNode, "names no log entry that keeps a version of its node")
                return true
            }
            listed.insert(pair)
            return true
        }
        for (pair, entry) in keeping where !listed.contains(pair) {
            problem(
                .missingIndexEntry, logByNode, "entry \(entry.sequence), a version of node \(entry.node), is not listed"
            )
        }
    }

    /// Removes the entries of `log` that do not decode and rebuilds `log.node` from the rest.
    func repairLog() throws {
        guard let log = schema.log, let logByNode = schema.logByNode else { return }
        var damaged: [[UInt8]] = []
        var keeping: [(node: NodeID, key: [UInt8])] = []
        try txn.scan(log) { key, value in
            guard key.count == 8, let record = try? ChangeRecord(value) else {
                damaged.append(Array(key))
                return true
            }
            if record.keepsVersion, let node = record.node { keeping.append((node, Array(key))) }
            return true
        }
        if !damaged.isEmpty {
            // Numbering goes on after the last sequence ever used, even when the entries
            // dropped here were the newest: a consumer that saw them must not see it again.
            var last: [UInt8] = []
            last.appendBigEndian(try lastSequence())
            for key in damaged { _ = try txn.delete(key, in: log) }
            try txn.put(last, forKey: MetaKey.lastSequence, in: schema.meta)
        }
        try txn.removeAll(in: logByNode)
        for (node, key) in keeping {
            try node.withUnsafeBytes { _ = try txn.put(key, forKey: $0, in: logByNode) }
        }
    }
}
