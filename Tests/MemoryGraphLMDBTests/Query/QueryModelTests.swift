import Foundation
import MemoryGraph
import SeededRandom
import Testing

/// The planner's side of the random queries the conformance suite runs against the reference:
/// the mix reaches both ways the executor reads posting lists.
@Suite("Queries against the reference, by access path")
struct QueryModelTests {
    @Test(
        "random queries read list paths both up front and streamed, and answer as the reference", .tags(.slow),
        arguments: [12] as [UInt64])
    func listPathsBothWays(seed: UInt64) throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        var generator = SplitMix64(seed: seed)
        let data = try QueryDataSet(graph: graph, count: 3_000, generator: &generator)
        var listsRead: (upFront: Int, streamed: Int) = (0, 0)
        for round in 0..<300 {
            let query = data.randomQuery(using: &generator)
            let expected = data.expected(query)
            #expect(try graph.count(query) == expected.count, "seed \(seed) round \(round) \(query)")
            #expect(try graph.queryIDs(query) == Array(expected.prefix(query.limit)), "seed \(seed) round \(round)")
            let plan = try graph.explain(query)
            #expect(plan.returned == min(expected.count, query.limit))
            guard plan.steps.first?.contains("posting list") == true else { continue }
            if plan.steps.first?.contains("within the time window (") == true {
                listsRead.upFront += 1
            } else {
                listsRead.streamed += 1
            }
        }
        #expect(listsRead.upFront > 10 && listsRead.streamed > 10, "\(listsRead)")
    }
}
