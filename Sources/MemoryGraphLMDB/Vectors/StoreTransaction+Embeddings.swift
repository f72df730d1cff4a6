import LMDB
import MemoryGraphCore

/// Embeddings: one `vectors` entry per node that has one, keyed by node id, all of the
/// dimension in `meta`.
extension StoreTransaction {
    /// The dimension fixed by the first embedding stored, `nil` before it.
    func embeddingDimension() throws -> Int? {
        try txn.withValue(forKey: MetaKey.embeddingDimension, in: schema.meta) { bytes in
            guard let bytes else { return nil }
            guard bytes.count == 4 else {
                throw MemoryGraphError(.corruption, "the stored embedding dimension is damaged; run verify")
            }
            return Int(bytes.bigEndianUInt32(at: 0))
        }
    }

    /// Throws unless `vector` has the store's dimension (any, while it has none).
    func checkDimension(of vector: [Float]) throws {
        if let dimension = try embeddingDimension() {
            try Embedding.dimension(of: vector, matches: dimension, "embedding")
        }
    }

    /// Stores `vector` as node `id`'s embedding, fixing the store's dimension at the first.
    func putEmbedding(_ vector: [Float], of id: NodeID) throws {
        let vectors = try writableVectors()
        try checkDimension(of: vector)
        if try embeddingDimension() == nil {
            var dimension: [UInt8] = []
            dimension.appendBigEndian(UInt32(vector.count))
            try txn.put(dimension, forKey: MetaKey.embeddingDimension, in: schema.meta)
        }
        try id.withUnsafeBytes { key in _ = try txn.put(Embedding.bytes(of: vector), forKey: key, in: vectors) }
    }

    /// Deletes node `id`'s embedding, if it has one.
    func deleteEmbedding(of id: NodeID) throws {
        guard let vectors = schema.vectors else { return }
        try id.withUnsafeBytes { key in _ = try txn.delete(key, in: vectors) }
    }

    /// Node `id`'s embedding, `nil` when it has none.
    func embedding(of id: NodeID) throws -> [Float]? {
        guard let vectors = schema.vectors else { return nil }
        return try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: vectors) { bytes in
                guard let bytes else { return nil }
                guard let vector = Embedding.vector(from: bytes) else {
                    throw MemoryGraphError(.corruption, "the embedding of node \(id) is damaged; run verify")
                }
                return vector
            }
        }
    }

    /// The embeddings of the visible nodes among `ids`.
    func embeddings(of ids: [NodeID]) throws -> [[Float]?] {
        let hidden = try hidden()
        return try ids.map { hidden.contains($0) ? nil : try embedding(of: $0) }
    }

    /// The best `limit` of the visible nodes that match `filter` and have an embedding, compared
    /// with `vector` by `metric`: a walk of `vectors` when the filter is unconstrained, otherwise
    /// the filter's matches from the indexes, each embedding read where it lies in the map.
    func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    {
        guard let vectors = schema.vectors, let dimension = try embeddingDimension() else { return [] }
        try Embedding.dimension(of: vector, matches: dimension, "the query vector")
        let probe = VectorProbe(vector, metric: metric)
        var top = TopScores(limit: limit)
        if filter.isUnconstrained {
            let hidden = try hidden()
            try txn.scan(vectors) { key, value in
                guard key.count == 16 else { return true }
                let id = NodeID(key, at: 0)
                if !hidden.contains(id), let score = probe.score(value) { top.offer(id, score: score) }
                return true
            }
        } else {
            var unlimited = filter
            unlimited.limit = .max
            let matches = try run(ResolvedQuery(unlimited, after: nil, store: self), limit: .max).postings
            for posting in matches {
                let score = try posting.id.withUnsafeBytes { key in
                    try txn.withValue(forKey: key, in: vectors) { bytes in bytes.flatMap(probe.score) }
                }
                if let score { top.offer(posting.id, score: score) }
            }
        }
        return top.best
    }

    /// `vectors`, which every writable open creates.
    private func writableVectors() throws -> Database {
        guard let vectors = schema.vectors else {
            throw MemoryGraphError(.readOnly, "the store was opened read-only; embeddings cannot be written")
        }
        return vectors
    }
}
