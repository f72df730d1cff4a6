public import Foundation
public import MemoryGraphCore

/// A seeded random graph for query tests: skewed agents and contexts, repeated timestamps,
/// random links, a few nodes removed again. It is held by an ``InMemoryGraphStore`` — the
/// reference that says what every query must answer — and written to the graphs under test
/// with ``write(to:)-(MemoryGraph)``.
///
/// ```swift
/// var random = SplitMix64(seed: 11)
/// let data = try RandomGraphData(count: 3_000, using: &random)
/// try data.write(to: graph)
/// let query = data.randomQuery(using: &random)
/// #expect(try graph.queryIDs(query) == Array(try data.expected(query).prefix(query.limit)))
/// ```
public struct RandomGraphData: Sendable {
    /// The agents nodes are written by (low indexes far more often).
    public static let agents = (0..<12).map { "agent-\($0)" }
    /// The contexts nodes belong to (low indexes more often).
    public static let contexts = (0..<20).map { "context-\($0)" }
    /// The result types; one node in ten has none.
    public static let types = ["plan", "decision", "observation", "critique", "tool-call", "summary"]
    /// The earliest timestamp; nodes spread over the 30 days after it.
    public static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// The graph every query is checked against.
    public let reference: InMemoryGraphStore
    /// The mutations that built it, in order: what ``write(to:)-(MemoryGraph)`` applies.
    public let mutations: [GraphMutation]
    /// The ids of the nodes stored, in the order they were added.
    public let ids: [NodeID]
    /// The stored timestamps, one per node: bounds for random time ranges.
    public let timestamps: [Date]

    /// `count` random nodes, added in batches of 500; then about one in forty removed, and about
    /// one in twenty of the rest updated.
    ///
    /// - Throws: A ``MemoryGraphError`` if the reference refuses a mutation (a bug in it).
    public init(count: Int, using random: inout some RandomNumberGenerator) throws {
        var mutations: [GraphMutation] = []
        var ids: [NodeID] = []
        var batch: [NodeDraft] = []
        var times: [Int64] = []
        for index in 0..<count {
            // Skewed: low indexes are far more common.
            let agent = Self.agents[Int(pow(Double.random(in: 0..<1, using: &random), 3) * Double(Self.agents.count))]
            let context = Self.contexts[
                Int(pow(Double.random(in: 0..<1, using: &random), 2) * Double(Self.contexts.count))]
            var result: [String: JSONValue] = ["index": .int(index)]
            if Int.random(in: 0..<10, using: &random) > 0, let type = Self.types.randomElement(using: &random) {
                result["type"] = .string(type)
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0: break
            case 1: result["confidence_score"] = .int(Int.random(in: 0...1, using: &random))
            default: result["confidence_score"] = .double(Double(Int.random(in: 0...1000, using: &random)) / 1000)
            }
            // One node in eight shares the timestamp of an earlier one.
            let micros =
                times.isEmpty || Int.random(in: 0..<8, using: &random) > 0
                ? Int64.random(in: 0...(30 * 86_400_000_000), using: &random)
                : times[Int.random(in: 0..<times.count, using: &random)]
            times.append(micros)
            let timestamp = Date(
                timeIntervalSince1970: Double(Int64(Self.start.timeIntervalSince1970) * 1_000_000 + micros) / 1e6)
            let id = NodeID.random(using: &random)
            var links = Set<NodeID>()
            for _ in 0..<Int.random(in: 0...3, using: &random) where !ids.isEmpty {
                links.insert(ids[Int.random(in: max(0, ids.count - 200)..<ids.count, using: &random)])
            }
            // About one in ten expires, far enough ahead that none does while a test runs.
            let expiresAt =
                Int.random(in: 0..<10, using: &random) == 0
                ? Date(timeIntervalSince1970: 4_000_000_000 + Double(index)) : nil
            batch.append(
                NodeDraft(
                    id: id, agentID: agent, taskContext: context, result: .object(result), links: links.sorted(),
                    timestamp: timestamp, expiresAt: expiresAt))
            ids.append(id)
            if batch.count == 500 || index == count - 1 {
                mutations.append(.addNodes(batch))
                batch.removeAll()
            }
        }
        var removed = Set<NodeID>()
        for id in ids where Int.random(in: 0..<40, using: &random) == 0 {
            mutations.append(.removeNode(id))
            removed.insert(id)
        }
        // About one in twenty of the others revised: a new type and confidence, once or twice.
        for (index, id) in ids.enumerated() where !removed.contains(id) && Int.random(in: 0..<20, using: &random) == 0 {
            for revision in 0..<Int.random(in: 1...2, using: &random) {
                var result: [String: JSONValue] = ["index": .int(index), "revision": .int(revision + 1)]
                if let type = Self.types.randomElement(using: &random) { result["type"] = .string(type) }
                result["confidence_score"] = .double(Double(Int.random(in: 0...1000, using: &random)) / 1000)
                let time = Self.start.addingTimeInterval(Double(31 * 86_400 + index))
                mutations.append(
                    .updateNode(id, NodeUpdate(result: .object(result)), expectedVersion: nil, updatedAt: time))
            }
        }
        let reference = InMemoryGraphStore()
        for outcome in reference.applySynchronously(mutations) { _ = try outcome.get() }
        self.reference = reference
        self.mutations = mutations
        self.ids = ids.filter { !removed.contains($0) }
        timestamps = try reference.nodes(self.ids).compactMap { $0?.timestamp }
    }

    /// Writes the graph to `graph`, through its store, as the reference holds it.
    ///
    /// - Throws: The first mutation the store refuses.
    public func write(to graph: MemoryGraph) async throws {
        for outcome in await graph.store.apply(mutations) { _ = try outcome.get() }
    }

    /// Writes the graph to `graph`, through its synchronous store.
    ///
    /// - Throws: ``MemoryGraphError/Code/unsupported`` for a store that answers only
    ///   asynchronously; else the first mutation the store refuses.
    public func write(to graph: MemoryGraph) throws {
        guard let store = graph.store as? any SynchronousGraphStore else {
            throw MemoryGraphError(.unsupported, "\(type(of: graph.store)) answers only asynchronously")
        }
        for outcome in store.applySynchronously(mutations) { _ = try outcome.get() }
    }

    /// The ids of every node that matches `query`, in its order, from the reference.
    ///
    /// - Throws: What the reference throws (nothing, unless closed).
    public func expected(_ query: MemoryQuery) throws -> [NodeID] {
        var everything = query
        everything.limit = .max
        return try reference.queryIDs(everything)
    }

    /// A random query: random subsets of criteria, bounds from stored values and in between,
    /// names that no node has, both orders, limits from 1 to 1 000.
    public func randomQuery(using random: inout some RandomNumberGenerator) -> MemoryQuery {
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        func subset(_ names: [String]) -> Set<String> {
            var set = Set<String>()
            for _ in 0..<(chance(3) ? 0 : Int.random(in: 1...4, using: &random)) {
                set.insert(names[Int.random(in: 0..<names.count, using: &random)])
            }
            if chance(10) { set.insert("unknown-name") }
            return set
        }
        func someDate() -> Date {
            if chance(60), !timestamps.isEmpty {
                return timestamps[Int.random(in: 0..<timestamps.count, using: &random)]
            }
            return Self.start.addingTimeInterval(
                Double(Int.random(in: -86_400...(31 * 86_400), using: &random)) + 0.000_000_5)
        }
        func someConfidence() -> Double {
            chance(50)
                ? Double(Int.random(in: 0...1000, using: &random)) / 1000
                : Double.random(in: -0.1...1.1, using: &random)
        }
        func someID() -> NodeID {
            chance(90) && !ids.isEmpty ? ids[Int.random(in: 0..<ids.count, using: &random)] : NodeID()
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
        if chance(10) { query.linkedFrom = someID() }
        if chance(10) { query.linkedTo = someID() }
        query.order = chance(50) ? .newestFirst : .oldestFirst
        query.limit = [1, 2, 5, 17, 50, 100, 1000][Int.random(in: 0..<7, using: &random)]
        return query
    }
}
