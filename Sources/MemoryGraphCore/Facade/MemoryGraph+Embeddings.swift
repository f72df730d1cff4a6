extension MemoryGraph {
    /// The embedding of node `id` (see ``NodeDraft/embedding``), `nil` when it has none or does
    /// not exist.
    ///
    /// - Throws: ``MemoryGraphError/Code/unsupported`` on a backend that does not answer on the
    ///   calling thread (use the `async` form).
    public func embedding(of id: NodeID) throws -> [Float]? {
        try reading("embedding") { store in try store.embeddings(of: [id]).first ?? nil }
    }

    /// The embedding of node `id`; the `async` form of ``embedding(of:)-(NodeID)->[Float]?``, for
    /// every backend.
    public func embedding(of id: NodeID) async throws -> [Float]? {
        try await reading("embedding") { store in try await store.embeddings(of: [id]).first ?? nil }
    }

    /// The dimension of every embedding of the store: fixed by the first one stored, `nil` until
    /// then.
    public func embeddingDimension() async throws -> Int? {
        try await reading("embeddingDimension") { store in try await store.embeddingDimension() }
    }
}
