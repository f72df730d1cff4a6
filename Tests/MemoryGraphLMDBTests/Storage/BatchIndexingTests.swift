import Foundation
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// A batch of nodes has its index entries written list by list in key order; the store must
/// end up exactly as if the nodes had been added one at a time.
@Suite("Index entries of batches")
struct BatchIndexingTests {
    /// `count` random drafts with explicit ids: few agents and contexts (so lists and their
    /// distinct-key counters are shared within a batch), type and confidence sometimes absent,
    /// timestamps in random order, and links to earlier drafts.
    private static func drafts(_ count: Int, seed: UInt64) -> [NodeDraft] {
        var generator = SplitMix64(seed: seed)
        var ids: [NodeID] = []
        var drafts: [NodeDraft] = []
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        for index in 0..<count {
            var result: [String: JSONValue] = ["n": .int(index)]
            if Bool.random(using: &generator) {
                result["type"] = .string(["plan", "fact", "critique"].randomElement(using: &generator) ?? "plan")
            }
            if Int.random(in: 0..<4, using: &generator) > 0 {
                result["confidence_score"] = .double(Double(Int.random(in: 0...1_000, using: &generator)) / 1_000)
            }
            let links =
                ids.isEmpty
                ? []
                : (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                    ids[Int.random(in: 0..<ids.count, using: &generator)]
                }
            let id = NodeID()
            ids.append(id)
            drafts.append(
                NodeDraft(
                    id: id, agentID: "agent-\(Int.random(in: 0..<5, using: &generator))",
                    taskContext: "context-\(Int.random(in: 0..<7, using: &generator))", result: .object(result),
                    links: links,
                    timestamp: start.addingTimeInterval(
                        Double(Int.random(in: 0..<86_400_000, using: &generator)) / 1_000)
                ))
        }
        return drafts
    }

    /// Every entry of every database but the store's creation time and the change log's commit
    /// times.
    private static func contents(_ graph: MemoryGraph) throws -> [String: [[UInt8]]] {
        var contents = try graph.rawContents()
        contents["meta"] = contents["meta"]?.filter { !$0.starts(with: MetaKey.createdAt) }
        // A log entry: key (8) · separator (2) · kind (1) · fields (1) · commit time (8) · …
        contents["log"] = contents["log"]?.map { entry in
            var entry = entry
            entry.replaceSubrange(12..<20, with: repeatElement(0, count: 8))
            return entry
        }
        return contents
    }

    /// Expects every database of `found` to hold exactly what `expected` holds.
    private static func expectSameContents(
        _ found: MemoryGraph, _ expected: MemoryGraph, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (foundContents, expectedContents) = (try contents(found), try contents(expected))
        #expect(foundContents.keys.sorted() == expectedContents.keys.sorted(), sourceLocation: sourceLocation)
        for (database, wanted) in expectedContents {
            let entries = foundContents[database] ?? []
            let firstDifference = zip(entries, wanted).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            let same = entries == wanted
            #expect(
                same,
                "\(database): \(entries.count) entries, \(wanted.count) expected, first difference at \(String(describing: firstDifference))",
                sourceLocation: sourceLocation)
        }
    }

    /// A store holding `drafts`, added one at a time.
    private static func addedOneByOne(_ drafts: [NodeDraft]) throws -> MemoryGraph {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        for draft in drafts {
            try graph.addNodes([draft])
        }
        // `verify` derives every index entry and counter from the records on its own.
        #expect(try graph.verify().isClean)
        return graph
    }

    @Test(
        "batches of 2 to 5 000 nodes (past the 4 096-node chunk) store what single adds store", .tags(.slow),
        arguments: [2, 37, 5_000])
    func batchesMatchSingleAdds(batchSize: Int) throws {
        let drafts = Self.drafts(5_000, seed: UInt64(batchSize))
        let batched = try MemoryGraph.ephemeral(configuration: .testing)
        defer { batched.close() }
        for start in stride(from: 0, to: drafts.count, by: batchSize) {
            try batched.addNodes(Array(drafts[start..<min(start + batchSize, drafts.count)]))
        }
        let single = try Self.addedOneByOne(drafts)
        defer { single.close() }
        try Self.expectSameContents(batched, single)
        #expect(try batched.verify().isClean)
    }

    @Test(
        "lazy indexing of 5 000 waiting nodes, and a rebuild of every index, store what single adds store",
        .tags(.slow))
    func lazyIndexingAndRebuildMatchSingleAdds() throws {
        let drafts = Self.drafts(5_000, seed: 11)
        var configuration = GraphOptions.testing
        configuration.indexUpdateStrategy = .lazy
        let lazy = try MemoryGraph.ephemeral(configuration: configuration)
        defer { lazy.close() }
        for start in stride(from: 0, to: drafts.count, by: 500) {
            try lazy.addNodes(Array(drafts[start..<start + 500]))
        }
        let single = try Self.addedOneByOne(drafts)
        defer { single.close() }
        // A read first writes the index entries this process left waiting.
        #expect(try lazy.statistics().nodes == drafts.count)
        try Self.expectSameContents(lazy, single)
        // `repair` empties every index and files every node again.
        _ = try lazy.repair()
        try Self.expectSameContents(lazy, single)
    }
}
