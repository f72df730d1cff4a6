/// Facts about an open environment, from `mdb_env_info`.
public struct EnvironmentInfo: Sendable, Hashable, Codable {
    /// The current size of the memory map in bytes.
    public var mapSize: Int
    /// The number of the last page used in the data file.
    public var lastPageNumber: Int
    /// The id of the last committed transaction, by any process.
    public var lastTransactionID: Int
    /// The number of reader slots.
    public var maximumReaders: Int
    /// The number of reader slots used so far (the high-water mark of the lock table).
    public var readersUsed: Int
    /// The page size in bytes.
    public var pageSize: Int

    /// The bytes of the data file in use: (last page + 1) × page size.
    public var usedBytes: Int { (lastPageNumber + 1) * pageSize }
}

/// B-tree statistics of one database or of the environment, from `mdb_stat`/`mdb_env_stat`.
public struct DatabaseStatistics: Sendable, Hashable, Codable {
    /// The page size in bytes.
    public var pageSize: Int
    /// The depth of the B-tree.
    public var depth: Int
    /// The number of internal pages.
    public var branchPages: Int
    /// The number of leaf pages.
    public var leafPages: Int
    /// The number of overflow pages.
    public var overflowPages: Int
    /// The number of data items (every duplicate counts).
    public var entries: Int

    /// All pages of the tree.
    public var totalPages: Int { branchPages + leafPages + overflowPages }
}
