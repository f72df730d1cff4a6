public import MemoryGraphCore

/// The state of an LMDB store as an operator sees it: ``LMDBStore/status()``.
public struct StoreStatus: Sendable, Hashable, Codable {
    /// Entries, pages and depth of one named database.
    public struct DatabaseStatus: Sendable, Hashable, Codable {
        /// The database's name, e.g. `idx.agent`.
        public var name: String
        /// Entries (each duplicate counts).
        public var entries: Int
        /// Branch, leaf and overflow pages.
        public var pages: Int
        /// B-tree depth.
        public var depth: Int
    }

    /// The on-disk format version.
    public var schemaVersion: Int
    /// Nodes, agents, contexts, types, links and bundles.
    public var statistics: GraphStatistics
    /// Every named database.
    public var databases: [DatabaseStatus]
    /// The memory map's size in bytes.
    public var mapSize: Int
    /// Bytes of the map in use.
    public var usedBytes: Int
    /// Reader slots held by live processes, this one included (a slot stays with its process
    /// between transactions).
    public var readersInUse: Int
    /// Reader slots available.
    public var maximumReaders: Int
    /// Reader slots of dead processes this graph freed since it was opened (at open, when a
    /// reader found the table full, and in ``LMDBStore/status()``).
    public var staleReadersFreed: Int
    /// The parameters of the store's approximate vector index; `nil` when it has none.
    public var vectorIndex: VectorIndexParameters?
    /// How many nodes have an embedding.
    public var embeddings: Int
}
