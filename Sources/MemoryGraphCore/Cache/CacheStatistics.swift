extension MemoryGraph {
    /// Which decoded nodes the cache keeps.
    public enum CacheAdmission: Sendable, Hashable {
        /// Every node read, on its first read.
        case all
        /// Nodes read again soon: a node's first read only marks it (one bit per hash of its id,
        /// cleared once twice the cache's capacity have been marked), and a read of a marked
        /// node caches it. Reads spread over a store much larger than the cache then
        /// cost no insertions and evictions, while a node read twice in a while is cached.
        case repeated
        /// Only nodes whose `confidence_score` is at least the threshold.
        case minConfidence(Double)
    }

    /// What the node cache did since the graph was opened.
    public struct CacheStatistics: Sendable, Hashable, Codable {
        /// Reads answered from the cache.
        public var hits: Int
        /// Reads that decoded the record.
        public var misses: Int
        /// Entries dropped to make room.
        public var evictions: Int
        /// Nodes held now.
        public var entries: Int
        /// The most nodes held.
        public var capacity: Int
        /// Times the whole cache was dropped because another process wrote to the store.
        public var externalInvalidations: Int

        /// Statistics of these figures.
        public init(hits: Int, misses: Int, evictions: Int, entries: Int, capacity: Int, externalInvalidations: Int) {
            self.hits = hits
            self.misses = misses
            self.evictions = evictions
            self.entries = entries
            self.capacity = capacity
            self.externalInvalidations = externalInvalidations
        }

        /// `hits / (hits + misses)`, or 0 before the first read.
        public var hitRate: Double {
            hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses)
        }
    }
}
