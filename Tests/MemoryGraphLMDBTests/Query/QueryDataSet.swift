import Foundation
import MemoryGraph
import MemoryGraphTesting
import SeededRandom

/// A seeded random store for query tests: ``RandomGraphData`` written to a graph, with the
/// in-memory reference store answering what every query must return.
struct QueryDataSet {
    static let agents = RandomGraphData.agents

    let data: RandomGraphData
    /// The stored nodes by id, as the reference holds them.
    let facts: [NodeID: MemoryNode]

    /// Fills `graph` with `count` nodes (skewed agents and contexts, repeated timestamps, random
    /// links), then removes a few, as the reference does.
    init(graph: MemoryGraph, count: Int, generator: inout some RandomNumberGenerator) throws {
        data = try RandomGraphData(count: count, using: &generator)
        try data.write(to: graph)
        let nodes = try data.reference.nodes(data.ids)
        facts = Dictionary(uniqueKeysWithValues: zip(data.ids, nodes).compactMap { id, node in node.map { (id, $0) } })
    }

    /// The ids of the stored nodes.
    var ids: [NodeID] { data.ids }

    /// The ids that match `query`, in its order, from the reference.
    func expected(_ query: MemoryQuery) -> [NodeID] {
        (try? data.expected(query)) ?? []
    }

    /// A random query: random subsets of criteria, boundaries taken from stored values.
    func randomQuery(using generator: inout some RandomNumberGenerator) -> MemoryQuery {
        data.randomQuery(using: &generator)
    }
}
