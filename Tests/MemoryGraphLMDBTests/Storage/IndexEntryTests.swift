import Foundation
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// The entries of the lists keyed by interned ids carry the fields queries filter on (schema
/// version 3), so queries they drive test candidates without reading records; stores whose
/// entries carry none still answer the same.
@Suite("Filter fields in index entries")
struct IndexEntryTests {
    /// Answers of `count` random queries (checked against the model) and of recall.
    private static func answers(_ graph: MemoryGraph, _ data: QueryDataSet, count: Int) throws -> [[NodeID]] {
        var generator = SplitMix64(seed: 7)
        var results: [[NodeID]] = []
        for _ in 0..<count {
            let query = data.randomQuery(using: &generator)
            let ids = try graph.queryIDs(query)
            #expect(ids == Array(data.expected(query).prefix(query.limit)), "\(query)")
            results.append(ids)
        }
        for agent in QueryDataSet.agents.prefix(4) {
            results.append(try graph.recall(agentID: agent, taskContext: "context-0").map(\.id))
        }
        return results
    }

    /// A query that leaves confidence and type to be checked after the agent list is read.
    private static let filtered: MemoryQuery = {
        var query = MemoryQuery()
        query.agentIDs = ["agent-1", "agent-2"]
        query.types = ["plan", "decision"]
        query.minConfidence = 0.3
        query.limit = 1_000
        return query
    }()

    @Test("entries round-trip, with and without type and confidence; a bare posting has no fields")
    func entryBytes() throws {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let fields = FilterFields(
                NodeHeader(
                    agent: UInt32.random(in: 1...UInt32.max, using: &generator),
                    context: UInt32.random(in: 1...UInt32.max, using: &generator),
                    type: Bool.random(using: &generator) ? UInt32.random(in: 1...UInt32.max, using: &generator) : nil,
                    confidence: Bool.random(using: &generator) ? Double.random(in: 0...1, using: &generator) : nil,
                    timestamp: Microseconds(Int64.random(in: -1_000_000...1_000_000, using: &generator)),
                    resultLength: 0))
            let entry = IndexEntry(
                posting: Posting(
                    timestamp: Microseconds(Int64.random(in: 0...1 << 60, using: &generator)), id: NodeID()),
                fields: fields)
            let bytes = entry.bytes
            #expect(bytes.count == IndexEntry.size)
            #expect(bytes.withUnsafeBytes { IndexEntry(exactly: $0) } == entry)
            let bare = Array(bytes.prefix(Posting.size))
            #expect(bare.withUnsafeBytes { IndexEntry(exactly: $0) } == IndexEntry(posting: entry.posting, fields: nil))
            #expect(Array(bytes.prefix(30)).withUnsafeBytes { IndexEntry(exactly: $0) } == nil)
        }
    }

    @Test("queries driven by a list keyed by interned ids check the rest on its entries, reading no record")
    func noRecordReads() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        var generator = SplitMix64(seed: 11)
        let data = try QueryDataSet(graph: graph, count: 300, generator: &generator)
        _ = try Self.answers(graph, data, count: 150)
        var listDriven = 0
        for _ in 0..<200 {
            var query = data.randomQuery(using: &generator)
            query.linkedFrom = nil
            query.linkedTo = nil
            let plan = try graph.explain(query)
            guard ["idx.agent", "idx.context", "idx.type"].contains(where: plan.accessPath.hasPrefix) else { continue }
            listDriven += 1
            #expect(plan.recordsChecked == 0, "\(plan)")
        }
        #expect(listDriven > 50)
        let plan = try graph.explain(Self.filtered)
        #expect(plan.steps.contains { $0.hasPrefix("check on the index entry") }, "\(plan)")
        #expect(plan.candidatesExamined > plan.matched, "the check removes candidates: \(plan)")
    }

    @Test("a version 2 store answers the same read-only, and opened writable is upgraded in place")
    func versionTwoStore() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try store.open()
        var generator = SplitMix64(seed: 23)
        let data = try QueryDataSet(graph: graph, count: 300, generator: &generator)
        let before = try Self.answers(graph, data, count: 120)
        try OlderSchema.downgrade(graph, to: 2)
        // An open graph reads the format from each snapshot, as when another process changes it.
        #expect(try graph.verify().isClean)
        #expect(try graph.explain(Self.filtered).recordsChecked > 0)
        #expect(try Self.answers(graph, data, count: 40) == Array(before.prefix(40) + before.suffix(4)))
        graph.close()

        var readOnly = GraphOptions.testing
        readOnly.readOnly = true
        graph = try store.open(readOnly)
        #expect(try OlderSchema.entrySizes(graph) == [Posting.size])
        #expect(try Self.answers(graph, data, count: 120) == before)
        let legacyPlan = try graph.explain(Self.filtered)
        #expect(legacyPlan.steps.contains { $0.hasPrefix("check on the record header") }, "\(legacyPlan)")
        #expect(legacyPlan.recordsChecked > 0)
        #expect(try graph.verify().isClean)
        #expect(try graph.status().schemaVersion == 2)
        graph.close()

        graph = try store.open()
        defer { graph.close() }
        #expect(try OlderSchema.storedVersion(graph) == [0, 0, 0, 8])
        #expect(try OlderSchema.entrySizes(graph) == [IndexEntry.size])
        #expect(try Self.answers(graph, data, count: 120) == before)
        #expect(try graph.explain(Self.filtered).recordsChecked == 0)
        #expect(try graph.verify().isClean)
    }
}
