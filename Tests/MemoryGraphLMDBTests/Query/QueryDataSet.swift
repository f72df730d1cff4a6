import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// A seeded random store for query tests, and the facts about it a brute-force filter needs.
struct QueryDataSet {
    struct Fact {
        var id: NodeID
        var agent: String
        var context: String
        var type: String?
        var confidence: Double?
        var timestamp: Date
    }

    static let agents = (0..<12).map { "agent-\($0)" }
    static let contexts = (0..<20).map { "context-\($0)" }
    static let types = ["plan", "decision", "observation", "critique", "tool-call", "summary"]
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    var facts: [NodeID: Fact] = [:]
    var outLinks: [NodeID: Set<NodeID>] = [:]
    var timestamps: [Date] = []

    /// Fills `graph` with `count` nodes (skewed agents and contexts, repeated timestamps, random
    /// links), then removes a few, keeping the facts in step.
    init(graph: MemoryGraph, count: Int, generator: inout SplitMix64) throws {
        var ids: [NodeID] = []
        var batch: [NodeDraft] = []
        for index in 0..<count {
            // Skewed: low indexes are far more common.
            let agent = Self.agents[
                Int(pow(Double.random(in: 0..<1, using: &generator), 3) * Double(Self.agents.count))]
            let context = Self.contexts[
                Int(pow(Double.random(in: 0..<1, using: &generator), 2) * Double(Self.contexts.count))]
            var result: [String: JSONValue] = ["index": .int(index)]
            let type =
                Int.random(in: 0..<10, using: &generator) == 0 ? nil : Self.types.randomElement(using: &generator)
            if let type { result["type"] = .string(type) }
            var confidence: Double?
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: confidence = nil
            case 1:
                confidence = Double(Int.random(in: 0...1, using: &generator))
                result["confidence_score"] = .int(Int(confidence ?? 0))
            default: confidence = Double(Int.random(in: 0...1000, using: &generator)) / 1000
            }
            if let confidence, result["confidence_score"] == nil { result["confidence_score"] = .double(confidence) }
            let micros =
                timestamps.isEmpty || Int.random(in: 0..<8, using: &generator) > 0
                ? Int64.random(in: 0...(30 * 86_400_000_000), using: &generator)
                : Int64((timestamps.randomElement(using: &generator) ?? Self.start).timeIntervalSince(Self.start) * 1e6)
            let timestamp = Date(
                timeIntervalSince1970: Double(Int64(Self.start.timeIntervalSince1970) * 1_000_000 + micros) / 1e6)
            let id = NodeID()
            var links = Set<NodeID>()
            for _ in 0..<Int.random(in: 0...3, using: &generator) where !ids.isEmpty {
                links.insert(ids[Int.random(in: max(0, ids.count - 200)..<ids.count, using: &generator)])
            }
            batch.append(
                NodeDraft(
                    id: id, agentID: agent, taskContext: context, result: .object(result), links: Array(links),
                    timestamp: timestamp))
            facts[id] = Fact(
                id: id, agent: agent, context: context, type: type, confidence: confidence, timestamp: timestamp)
            outLinks[id] = links
            ids.append(id)
            if batch.count == 500 {
                try graph.addNodes(batch)
                batch.removeAll()
            }
        }
        try graph.addNodes(batch)
        for id in ids where Int.random(in: 0..<40, using: &generator) == 0 {
            try graph.removeNode(id)
            facts[id] = nil
            outLinks[id] = nil
        }
        for (id, links) in outLinks { outLinks[id] = links.filter { facts[$0] != nil } }
        // The stored timestamp is the one to compare with: it is whole microseconds.
        for node in try graph.nodes(Array(facts.keys)).compactMap({ $0 }) { facts[node.id]?.timestamp = node.timestamp }
        timestamps = facts.values.map(\.timestamp)
    }

    /// The ids that match `query`, in its order: a filter over every node.
    func expected(_ query: MemoryQuery) -> [NodeID] {
        let matching = facts.values.filter { fact in
            if let agents = query.agentIDs, !agents.contains(fact.agent) { return false }
            if let contexts = query.contexts, !contexts.contains(fact.context) { return false }
            if let types = query.types, !(fact.type.map(types.contains) ?? false) { return false }
            if let range = query.timeRange, !range.contains(fact.timestamp) { return false }
            if query.minConfidence != nil || query.maxConfidence != nil {
                guard let confidence = fact.confidence else { return false }
                if let low = query.minConfidence, confidence < low { return false }
                if let high = query.maxConfidence, confidence > high { return false }
            }
            if let source = query.linkedFrom, !(outLinks[source]?.contains(fact.id) ?? false) { return false }
            if let target = query.linkedTo, !(outLinks[fact.id]?.contains(target) ?? false) { return false }
            return true
        }
        let ascending = matching.sorted { ($0.timestamp, $0.id) < ($1.timestamp, $1.id) }.map(\.id)
        return query.order == .oldestFirst ? ascending : ascending.reversed()
    }

    /// A random query: random subsets of criteria, boundaries taken from stored values.
    func randomQuery(using generator: inout SplitMix64) -> MemoryQuery {
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        func subset(_ names: [String]) -> Set<String> {
            var set = Set<String>()
            for _ in 0..<(chance(3) ? 0 : Int.random(in: 1...4, using: &generator)) {
                set.insert(names.randomElement(using: &generator) ?? "")
            }
            if chance(10) { set.insert("unknown-name") }
            return set
        }
        func someDate() -> Date {
            chance(60)
                ? (timestamps.randomElement(using: &generator) ?? Self.start)
                : Self.start.addingTimeInterval(
                    Double(Int.random(in: -86_400...(31 * 86_400), using: &generator)) + 0.0000005)
        }
        func someConfidence() -> Double {
            chance(50)
                ? Double(Int.random(in: 0...1000, using: &generator)) / 1000
                : Double.random(in: -0.1...1.1, using: &generator)
        }
        var query = MemoryQuery()
        if chance(40) { query.agentIDs = subset(Self.agents) }
        if chance(40) { query.contexts = subset(Self.contexts) }
        if chance(30) { query.types = subset(Self.types) }
        if chance(40) {
            let first = someDate()
            let second = chance(80) ? someDate() : first
            query.timeRange = min(first, second)..<max(first, second)
        }
        if chance(30) { query.minConfidence = someConfidence() }
        if chance(20) { query.maxConfidence = someConfidence() }
        let ids = Array(facts.keys)
        if chance(10) { query.linkedFrom = chance(90) ? ids.randomElement(using: &generator) : NodeID() }
        if chance(10) { query.linkedTo = chance(90) ? ids.randomElement(using: &generator) : NodeID() }
        query.order = chance(50) ? .newestFirst : .oldestFirst
        query.limit = [1, 2, 5, 17, 50, 100, 1000].randomElement(using: &generator) ?? 10
        return query
    }
}
