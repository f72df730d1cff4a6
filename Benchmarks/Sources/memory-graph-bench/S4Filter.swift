import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// The filter of S4 — 3 agents (uniform) × 5 contexts (Zipf, as the data set draws them) × a
/// 7-day window × confidence ≥ 0.8 — which S9 and S10 apply inside their searches too.
struct S4Filter: Sendable {
    /// The window's length: 7 days in milliseconds.
    static let week: Int64 = 7 * 86_400_000

    /// The agents, sorted, without repeats.
    var agents: [String]
    /// The contexts, sorted, without repeats.
    var contexts: [String]
    /// The window's start in milliseconds since 1970 (inclusive); it ends a ``week`` later
    /// (exclusive).
    var start: Int64
    /// The least confidence (inclusive).
    var minimum: Double

    /// The window's end in milliseconds since 1970 (exclusive).
    var end: Int64 { start + Self.week }

    /// A filter drawn with `random` over the agents and contexts of `workload`.
    static func draw(from workload: Workload, using random: inout SplitMix64) -> S4Filter {
        let agents = (0..<3).map { _ in Workload.agents[Int.random(in: 0..<Workload.agents.count, using: &random)] }
        let contexts = (0..<5).map { _ in Workload.contexts[workload.contextSampler.next(using: &random)] }
        let start = Workload.end - Int64.random(in: week...Workload.span, using: &random)
        return S4Filter(
            agents: Array(Set(agents)).sorted(), contexts: Array(Set(contexts)).sorted(), start: start, minimum: 0.8)
    }

    /// The filter as MemoryGraph's query, limit 100.
    var query: MemoryQuery {
        var query = MemoryQuery()
        query.agentIDs = Set(agents)
        query.contexts = Set(contexts)
        query.timeRange =
            Date(timeIntervalSince1970: Double(start) / 1000)..<Date(timeIntervalSince1970: Double(end) / 1000)
        query.minConfidence = minimum
        query.limit = 100
        return query
    }

    /// A predicate over nodes of the data set: whether one matches, as both engines decide it.
    func predicate() -> (Workload.Node) -> Bool {
        let agents = Set(agents)
        let contexts = Set(contexts)
        let (start, end, minimum) = (start, end, minimum)
        return { node in
            agents.contains(node.agent) && contexts.contains(node.context) && node.timestampMilliseconds >= start
                && node.timestampMilliseconds < end && node.confidence >= minimum
        }
    }
}
