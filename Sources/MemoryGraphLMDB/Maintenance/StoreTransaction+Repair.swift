import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// Rebuilds every secondary index, `links.in`, the bundle indexes, the counters and the
    /// dictionaries from the node and bundle records (and `links.out`), and rewrites the out-links
    /// each node record carries from `links.out`. Links and bundle members naming missing nodes
    /// are dropped; records whose header does not decode are left as they are (a record whose
    /// payload is damaged keeps that payload, with its links brought up to date). The change
    /// log loses the entries that do not decode, and its index by node is rebuilt; so is the
    /// expiry index. Embeddings of missing nodes, or of another length than the store's
    /// dimension, are dropped; the full-text index is rebuilt.
    mutating func repair() throws {
        try repairDictionaries()

        var links: [(NodeID, NodeID)] = []
        try txn.scan(schema.linksOut) { key, value in
            if key.count == 16, value.count == 16 { links.append((NodeID(key, at: 0), NodeID(value, at: 0))) }
            return true
        }
        try txn.removeAll(in: schema.linksOut)
        try txn.removeAll(in: schema.linksIn)
        for (source, target) in links where try nodeExists(source) && nodeExists(target) {
            _ = try putLink(from: source, to: target, refreshingRecord: false)
        }

        for id in try rebuildIndexes() {
            try refreshRecordLinks(of: id)
            changes?.nodes.insert(id)
        }

        var bundles: [MemoryBundle] = []
        try txn.scan(schema.bundles) { key, _ in
            if key.count == 16, let bundle = try? self.bundle(BundleID(key, at: 0)) { bundles.append(bundle) }
            return true
        }
        for database in [schema.bundlesByTask, schema.bundlesByContext, schema.bundlesByNode] {
            try txn.removeAll(in: database)
        }
        for var bundle in bundles {
            bundle.nodeIDs = try bundle.nodeIDs.filter { try nodeExists($0) }
            try insert(bundle)
        }
        try repairLog()
        try repairExpiries()
        try repairEmbeddings()
        try repairVectorIndex()
        if let paths = try textIndexPaths() { try rebuildTextIndex(paths: paths) }
    }

    /// Restores each missing half of `dict` / `dict.rev` from the other half.
    private func repairDictionaries() throws {
        var forward: [([UInt8], [UInt8])] = []
        try txn.scan(schema.dictionary) { key, value in
            forward.append((Array(key), Array(value)))
            return true
        }
        for (key, value) in forward where key.count >= 1 && value.count == 4 {
            var reverseKey = [key[0]]
            reverseKey += value
            if try !txn.contains(reverseKey, in: schema.reverseDictionary) {
                _ = try txn.put(Array(key.dropFirst()), forKey: reverseKey, in: schema.reverseDictionary)
            }
        }
        var reverse: [([UInt8], [UInt8])] = []
        try txn.scan(schema.reverseDictionary) { key, value in
            reverse.append((Array(key), Array(value)))
            return true
        }
        for (key, value) in reverse where key.count == 5 {
            let forwardKey = [key[0]] + value
            if try !txn.contains(forwardKey, in: schema.dictionary) {
                _ = try txn.put(Array(key.dropFirst()), forKey: forwardKey, in: schema.dictionary)
            }
        }
    }
}
