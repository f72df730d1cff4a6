extension MemoryGraph {
    /// The embedding of node `id` (see ``NodeDraft/embedding``), `nil` when it has none or does
    /// not exist.
    public func embedding(of id: NodeID) async throws -> [Float]? {
        try await reading("embedding") { store in try await store.embeddings(of: [id]).first ?? nil }
    }

    /// The dimension of every embedding of the store: fixed by the first one stored (or
    /// ``Configuration/embeddingDimension``), `nil` until then.
    public func embeddingDimension() async throws -> Int? {
        try await reading("embeddingDimension") { store in try await store.embeddingDimension() }
    }
}
