import Foundation

/// Counts of what a store holds, from one consistent snapshot.
public struct GraphStatistics: Hashable, Sendable, Codable {
    /// Nodes stored.
    public var nodes: Int
    /// Distinct agents that have at least one node.
    public var agents: Int
    /// Distinct task contexts that have at least one node.
    public var contexts: Int
    /// Distinct result types that have at least one node.
    public var types: Int
    /// Links (each directed link once).
    public var links: Int
    /// Bundles stored.
    public var bundles: Int

    /// Creates statistics.
    public init(nodes: Int, agents: Int, contexts: Int, types: Int, links: Int, bundles: Int) {
        self.nodes = nodes
        self.agents = agents
        self.contexts = contexts
        self.types = types
        self.links = links
        self.bundles = bundles
    }
}
