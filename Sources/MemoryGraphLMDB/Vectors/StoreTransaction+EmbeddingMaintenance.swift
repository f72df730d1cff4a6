import LMDB
import MemoryGraphCore

extension StoreTransaction {
    /// Checks that every entry of `vectors` belongs to a stored node and holds a vector of the
    /// store's dimension.
    func verifyEmbeddings(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let vectors = schema.vectors else { return }
        let dimension = try embeddingDimension()
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
    /// cannot be rebuilt from anything else.
    func repairEmbeddings() throws {
        guard let vectors = schema.vectors else { return }
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
