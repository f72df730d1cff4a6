public import Foundation

/// One record of a store's ``GraphStore/export(_:)``: its summary first, then every node, then
/// every bundle.
public enum ExportedRecord: Sendable, Hashable {
    /// What the export holds, from the same state as the records that follow.
    case summary(StoreSummary)
    /// A node, with its out-links, and its embedding if it has one.
    case node(MemoryNode, embedding: [Float]?)
    /// A bundle.
    case bundle(MemoryBundle)
}

/// The counts and creation time of a store, as a dump's header gives them.
public struct StoreSummary: Sendable, Hashable, Codable {
    /// When the store was created (the Unix epoch when it does not say).
    public var createdAt: Date
    /// Nodes stored.
    public var nodes: Int
    /// Bundles stored.
    public var bundles: Int
    /// Links stored.
    public var links: Int

    /// A summary of these figures.
    public init(createdAt: Date, nodes: Int, bundles: Int, links: Int) {
        self.createdAt = createdAt
        self.nodes = nodes
        self.bundles = bundles
        self.links = links
    }
}

/// What a store did and takes since it was opened, for ``MemoryGraph/performanceReport()``.
public struct StoreUsage: Sendable, Hashable, Codable {
    /// Mutations committed.
    public var writes: Int
    /// Transactions committed (fewer than writes with group commit).
    public var commits: Int
    /// Bytes the store takes in its storage (a file's size on disk; 0 where unknown).
    public var storageBytes: Int

    /// A usage of these figures.
    public init(writes: Int, commits: Int, storageBytes: Int) {
        self.writes = writes
        self.commits = commits
        self.storageBytes = storageBytes
    }
}
