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
        let bytes = Embedding.bytes(of: vector)
        let index = try vectorGraph()
        if let index {
            let unchanged = try id.withUnsafeBytes { key in
                try txn.withValue(forKey: key, in: vectors) { $0.map { $0.elementsEqual(bytes) } ?? false }
            }
            if unchanged { return }
            try index.remove(id)
        }
        try id.withUnsafeBytes { key in _ = try txn.put(bytes, forKey: key, in: vectors) }
        try index?.insert(id, vector: vector)
    }

    /// Deletes node `id`'s embedding, if it has one.
    func deleteEmbedding(of id: NodeID) throws {
        guard let vectors = schema.vectors, try id.withUnsafeBytes({ try txn.contains($0, in: vectors) }) else {
            return
        }
        try vectorGraph()?.remove(id)
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
    /// with `vector` by `metric`.
    func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    {
        try nearestNodesExplained(to: vector, metric: metric, matching: filter, limit: limit).hits
    }

    /// ``nearestNodes(to:metric:matching:limit:)`` with how it ran.
    ///
    /// With a vector index of `metric`, an unconstrained filter walks the index, and so does a
    /// filter with at least ``exactSearchBudget(vectors:)`` matches, which it checks on every node
    /// the walk meets; a filter with fewer is answered exactly from its matches. Without one, an
    /// unconstrained filter walks `vectors`, and a filter's matches are read where they lie in
    /// the map.
    func nearestNodesExplained(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)
    {
        guard let vectors = schema.vectors, let dimension = try embeddingDimension() else {
            return (
                [], SearchPlan.Ranking(method: .vectorScan, scored: 0, found: 0, reason: "no node has an embedding")
            )
        }
        try Embedding.dimension(of: vector, matches: dimension, "the query vector")
        let probe = VectorProbe(vector, metric: metric)
        let stored = try txn.statistics(of: vectors).entries
        let graph = try vectorGraph()
        let index = graph?.parameters.metric == metric ? graph : nil
        let indexNote =
            graph.map { index == nil ? "; the vector index is by \($0.parameters.metric.rawValue)" : "" } ?? ""
        var top = TopScores(limit: limit)
        if filter.isUnconstrained {
            let hidden = try hidden()
            if let index {
                let (hits, visits) = try index.nearest(
                    probe, limit: limit, breadth: index.parameters.searchBreadth,
                    accepts: hidden.isEmpty ? nil : { !hidden.contains($0) })
                return (
                    hits,
                    SearchPlan.Ranking(
                        method: .vectorIndex, scored: visits, found: hits.count,
                        reason:
                            "no filter; the index walked \(index.parameters.searchBreadth) wide over \(stored) embeddings"
                    )
                )
            }
            try txn.scan(vectors) { key, value in
                guard key.count == 16 else { return true }
                let id = NodeID(key, at: 0)
                if !hidden.contains(id), let score = probe.score(value) { top.offer(id, score: score) }
                return true
            }
            return (
                top.best,
                SearchPlan.Ranking(
                    method: .vectorScan, scored: stored, found: top.best.count,
                    reason: "no filter and no vector index" + indexNote)
            )
        }
        var unlimited = filter
        unlimited.limit = .max
        let query = try ResolvedQuery(unlimited, after: nil, store: self)
        let budget = index.map { _ in Self.exactSearchBudget(vectors: stored) } ?? .max
        let matches = try run(query, limit: budget).postings
        if let index, matches.count >= budget {
            let accepts = try acceptance(of: query)
            let breadth = index.parameters.searchBreadth
            let (hits, visits) = try index.nearest(probe, limit: limit, breadth: breadth, accepts: accepts)
            return (
                hits,
                SearchPlan.Ranking(
                    method: .vectorIndex, scored: visits, found: hits.count,
                    reason: "the filter matches at least \(budget) nodes; the index walked \(breadth) wide, "
                        + "checking the filter on each node it met")
            )
        }
        for posting in matches {
            let score = try posting.id.withUnsafeBytes { key in
                try txn.withValue(forKey: key, in: vectors) { bytes in bytes.flatMap(probe.score) }
            }
            if let score { top.offer(posting.id, score: score) }
        }
        return (
            top.best,
            SearchPlan.Ranking(
                method: .vectorFilterScan, scored: matches.count, found: top.best.count,
                reason: index == nil
                    ? "no vector index" + indexNote
                    : "the filter matches \(matches.count) nodes, fewer than \(budget): exact is cheaper than the walk")
        )
    }

    /// The fewest filter matches for which a search with a vector index walks it: below, reading
    /// the matches' embeddings costs less and is exact. A tenth of the embeddings, at least 1 000.
    static func exactSearchBudget(vectors: Int) -> Int { max(1_000, vectors / 10) }

    /// Whether a node matches `query` (its criteria, time range and links, and not expired), from
    /// the node's record header: the filter a walk of the vector index applies.
    private func acceptance(of query: ResolvedQuery) throws -> (NodeID) throws -> Bool {
        guard !query.matchesNothing else { return { _ in false } }
        var allowed: Set<NodeID>?
        if let origin = query.linkedFrom { allowed = Set(try links(from: origin)) }
        if let origin = query.linkedTo {
            let sources = Set(try backlinks(to: origin))
            allowed = allowed.map { $0.intersection(sources) } ?? sources
        }
        let criteria = query.criteria.subtracting([.linkedFrom, .linkedTo])
        return { [allowed] id in
            guard allowed?.contains(id) ?? true, !query.excluded.contains(id), let header = try self.header(of: id)
            else { return false }
            return query.window.contains(header.posting(id)) && query.matches(FilterFields(header), on: criteria)
        }
    }

    /// `vectors`, which every writable open creates.
    private func writableVectors() throws -> Database {
        guard let vectors = schema.vectors else {
            throw MemoryGraphError(.readOnly, "the store was opened read-only; embeddings cannot be written")
        }
        return vectors
    }
}
