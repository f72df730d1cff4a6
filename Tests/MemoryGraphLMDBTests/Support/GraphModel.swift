import Foundation

@testable import MemoryGraph

/// The oracle: what a store must hold, kept in plain dictionaries.
struct GraphModel {
    var nodes: [NodeID: MemoryNode] = [:]
    var bundles: [BundleID: MemoryBundle] = [:]
    /// Bundle ids in creation order.
    var bundleOrder: [BundleID] = []

    mutating func add(_ node: MemoryNode) {
        nodes[node.id] = node
    }

    mutating func link(_ source: NodeID, _ target: NodeID) {
        guard var node = nodes[source], !node.links.contains(target) else { return }
        node.links = (node.links + [target]).sorted()
        nodes[source] = node
    }

    mutating func unlink(_ source: NodeID, _ target: NodeID) {
        nodes[source]?.links.removeAll { $0 == target }
    }

    mutating func remove(_ id: NodeID) {
        nodes[id] = nil
        for key in nodes.keys { nodes[key]?.links.removeAll { $0 == id } }
        for key in bundles.keys { bundles[key]?.nodeIDs.removeAll { $0 == id } }
    }

    func backlinks(_ id: NodeID) -> [NodeID] {
        nodes.values.filter { $0.links.contains(id) }.map(\.id).sorted()
    }

    func recall(agent: String, context: String) -> [NodeID] {
        nodes.values.filter { $0.agentID == agent && $0.taskContext == context }
            .sorted { ($0.timestamp, $0.id) > ($1.timestamp, $1.id) }
            .map(\.id)
    }

    func bundles(forTask task: String) -> [MemoryBundle] {
        bundleOrder.reversed().compactMap { bundles[$0] }.filter { $0.taskID == task }
    }

    func bundles(forContext context: String) -> [MemoryBundle] {
        bundleOrder.reversed().compactMap { bundles[$0] }.filter { $0.contexts.contains(context) }
    }

    var statistics: GraphStatistics {
        GraphStatistics(
            nodes: nodes.count, agents: Set(nodes.values.map(\.agentID)).count,
            contexts: Set(nodes.values.map(\.taskContext)).count,
            types: Set(nodes.values.compactMap(\.type)).count,
            links: nodes.values.reduce(0) { $0 + $1.links.count }, bundles: bundles.count)
    }
}

extension Date {
    /// A date at a whole number of microseconds, as the store keeps it.
    init(microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, in first-seen order.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
