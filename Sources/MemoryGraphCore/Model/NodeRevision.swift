public import Foundation

/// Which version of a node's content this is, and since when: ``MemoryNode/version`` and
/// ``MemoryNode/updatedAt`` together.
///
/// A node is at version 1, updated at its timestamp, when it is added; every update of its
/// result or metadata makes it one version newer.
public struct NodeRevision: Hashable, Sendable, Codable {
    /// The version, from 1.
    public var version: Int
    /// When the content became this version, to the microsecond.
    public var updatedAt: Date

    /// Creates a revision.
    public init(version: Int, updatedAt: Date) {
        self.version = version
        self.updatedAt = updatedAt
    }
}
