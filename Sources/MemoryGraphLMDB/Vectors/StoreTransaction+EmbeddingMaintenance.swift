import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// Checks that every entry of `vectors` belongs to a stored node and holds a vector of the
    /// store's dimension.
    func verifyEmbeddings(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let vectors = schema.vectors else { return }
        let dimension: Int?
        do {
            dimension = try embeddingDimension()
        } catch {
            problem(.wrongCounter, schema.meta, "embedding.dimension is damaged")
            dimension = nil
        }
        try txn.scan(vectors) { key, value in
            guard key.count == 16 else {
                problem(.orphanIndexEntry, vectors, "a key of \(key.count) bytes is not a node id")
                return true
            }
            let id = NodeID(key, at: 0)
            if try !nodeExists(id) {
                problem(.orphanIndexEntry, vectors, "node \(id) has an embedding but no record")
            } else if value.count != (dimension ?? 0) * 4 {
                problem(
                    .undecodableRecord, vectors,
                    "the embedding of node \(id) takes \(value.count) bytes, not 4 × the dimension \(dimension ?? 0)")
            }
            return true
        }
    }

    /// Drops the entries of `vectors` that ``verifyEmbeddings(_:)`` finds wrong: an embedding
    /// cannot be rebuilt from anything else. A store whose dimension is missing or damaged takes
    /// the most common length of its embeddings as its dimension first.
    func repairEmbeddings() throws {
        guard let vectors = schema.vectors else { return }
        if (try? embeddingDimension()) == nil {
            var lengths: [Int: Int] = [:]
            try txn.scan(vectors) { _, value in
                if value.count > 0, value.count % 4 == 0 { lengths[value.count / 4, default: 0] += 1 }
                return true
            }
            if let common = lengths.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key {
                var dimension: [UInt8] = []
                dimension.appendBigEndian(UInt32(common))
                try txn.put(dimension, forKey: MetaKey.embeddingDimension, in: schema.meta)
            } else {
                _ = try txn.delete(MetaKey.embeddingDimension, in: schema.meta)
            }
        }
        let length = (try embeddingDimension() ?? 0) * 4
        var wrong: [[UInt8]] = []
        try txn.scan(vectors) { key, value in
            let belongs = key.count == 16 && value.count == length ? try nodeExists(NodeID(key, at: 0)) : false
            if !belongs { wrong.append(Array(key)) }
            return true
        }
        for key in wrong { _ = try txn.delete(key, in: vectors) }
    }
}
