import Foundation
import LMDB
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("Verify and repair")
struct VerificationTests {
    /// What reads return, to compare before corruption and after repair.
    private static func answers(_ graph: MemoryGraph, _ data: QueryDataSet) throws -> [[NodeID]] {
        var generator = SplitMix64(seed: 99)
        var results: [[NodeID]] = []
        for _ in 0..<30 {
            var query = data.randomQuery(using: &generator)
            query.limit = 1_000
            results.append(try graph.queryIDs(query))
        }
        for agent in QueryDataSet.agents.prefix(4) {
            results.append(try graph.recall(agentID: agent, taskContext: "context-0").map(\.id))
        }
        return results
    }

    private static func corrupt(_ graph: MemoryGraph, _ body: (Transaction, StoreTransaction) throws -> Void) throws {
        let (schema, interner) = (graph.schema, graph.interner)
        try graph.environment.write { txn in try body(txn, StoreTransaction(txn, schema: schema, interner: interner)) }
    }

    typealias Corruption = (
        name: String, expected: Set<VerificationProblem.Kind>,
        inject: @Sendable (MemoryGraph, [NodeID], BundleID) throws -> Void
    )

    private static let corruptions: [Corruption] = [
        (
            "orphan index entry", [.orphanIndexEntry],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let header = try #require(try store.header(of: ids[0]))
                    let entry = IndexEntry(NodeID(), header).bytes
                    _ = try txn.put(entry, forKey: IndexKey.id(header.agent), in: store.schema.byAgent)
                }
            }
        ),
        (
            "missing index entry", [.missingIndexEntry],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let header = try #require(try store.header(of: ids[1]))
                    _ = try txn.delete(
                        IndexKey.id(header.context), value: IndexEntry(ids[1], header).bytes,
                        in: store.schema.byContext)
                }
            }
        ),
        (
            "entry carrying other fields than its record", [.orphanIndexEntry, .missingIndexEntry],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let header = try #require(try store.header(of: ids[4]))
                    var entry = IndexEntry(ids[4], header)
                    _ = try txn.delete(IndexKey.id(header.agent), value: entry.bytes, in: store.schema.byAgent)
                    entry.fields?.confidence = header.confidence == 0.5 ? 0.25 : 0.5
                    _ = try txn.put(entry.bytes, forKey: IndexKey.id(header.agent), in: store.schema.byAgent)
                }
            }
        ),
        (
            "entry under the wrong agent", [.orphanIndexEntry, .wrongCounter],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let header = try #require(try store.header(of: ids[2]))
                    _ = try txn.put(
                        IndexEntry(ids[2], header).bytes, forKey: IndexKey.id(header.agent &+ 1_000),
                        in: store.schema.byAgent)
                }
            }
        ),
        (
            "one-sided link", [.oneSidedLink],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let source = try #require(try ids.first { try !store.links(from: $0).isEmpty })
                    let target = try #require(try store.links(from: source).first)
                    _ = try txn.delete(Array(target.bytes), value: Array(source.bytes), in: store.schema.linksIn)
                }
            }
        ),
        (
            "wrong counter", [.wrongCounter],
            { graph, _, _ in
                try corrupt(graph) { txn, store in
                    var value: [UInt8] = []
                    value.appendBigEndian(UInt64(99))
                    _ = try txn.put(value, forKey: MetaKey.agentCount, in: store.schema.meta)
                }
            }
        ),
        (
            "bundle naming a missing node", [.danglingBundleMember],
            { graph, _, bundleID in
                try corrupt(graph) { _, store in
                    var bundle = try #require(try store.bundle(bundleID))
                    bundle.nodeIDs.append(NodeID())
                    try store.writeBundleRecord(bundle)
                }
            }
        ),
        (
            "embedding of a node that does not exist", [.orphanIndexEntry],
            { graph, _, _ in
                try corrupt(graph) { txn, store in
                    let vectors = try #require(store.schema.vectors)
                    _ = try txn.put(Embedding.bytes(of: [1, 2, 3]), forKey: Array(NodeID().bytes), in: vectors)
                }
            }
        ),
        (
            "embedding of another dimension", [.undecodableRecord],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let vectors = try #require(store.schema.vectors)
                    _ = try txn.put(Embedding.bytes(of: [1, 2]), forKey: Array(ids[5].bytes), in: vectors)
                }
            }
        ),
        (
            "embedding dimension lost", [.undecodableRecord],
            { graph, _, _ in
                try corrupt(graph) { txn, store in
                    _ = try txn.delete(MetaKey.embeddingDimension, in: store.schema.meta)
                }
            }
        ),
        (
            "reverse dictionary entry removed", [.dictionaryMismatch],
            { graph, ids, _ in
                try corrupt(graph) { txn, store in
                    let header = try #require(try store.header(of: ids[3]))
                    _ = try txn.delete(Interner.reverseKey(.agent, header.agent), in: store.schema.reverseDictionary)
                }
            }
        ),
    ]

    @Test("each injected corruption is found, and repair restores a clean store that answers as before")
    func findAndRepair() throws {
        for corruption in Self.corruptions {
            let store = TemporaryStore()
            defer { store.remove() }
            let graph = try store.open()
            defer { graph.close() }
            var generator = SplitMix64(seed: 61)
            let data = try QueryDataSet(graph: graph, count: 400, generator: &generator)
            let ids = Array(data.facts.keys).sorted()
            let bundleID = try graph.createBundle(
                taskID: "task", contexts: ["context-1"], nodeIDs: Array(ids.prefix(4)))
            try graph.updateNode(ids[6], embedding: .set([0, 1, 0]))
            #expect(try graph.verify().isClean, "a fresh store verifies clean")
            let before = try Self.answers(graph, data)

            try corruption.inject(graph, ids, bundleID)
            let report = try graph.verify()
            #expect(Set(report.problems.map(\.kind)) == corruption.expected, "\(corruption.name): \(report)")
            #expect(report.nodesChecked == data.facts.count && report.bundlesChecked == 1)

            let repaired = try graph.repair()
            #expect(repaired.problems == report.problems)
            let after = try graph.verify()
            #expect(after.isClean, "\(corruption.name) after repair: \(after)")
            #expect(try Self.answers(graph, data) == before, "\(corruption.name): answers changed")
            #expect(try graph.nodes(ids).allSatisfy { $0 != nil })
            #expect(try graph.bundle(bundleID)?.nodeIDs == Array(ids.prefix(4)))
            #expect(try graph.embedding(of: ids[6]) == [0, 1, 0], "\(corruption.name): the embedding")
        }
    }

    @Test("verifyNode reports what is wrong with one node, and nil for an id no node has")
    func singleNode() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        var generator = SplitMix64(seed: 17)
        let data = try QueryDataSet(graph: graph, count: 60, generator: &generator)
        let ids = Array(data.facts.keys).sorted()
        try graph.link(from: ids[4], to: ids[5])
        #expect(try ids.allSatisfy { try graph.verifyNode($0) == [] })
        #expect(try graph.verifyNode(NodeID()) == nil)

        try Self.corrupt(graph) { txn, store in
            let header = try #require(try store.header(of: ids[1]))
            _ = try txn.delete(
                IndexKey.id(header.context), value: IndexEntry(ids[1], header).bytes, in: store.schema.byContext)
            _ = try txn.delete(ids[5].bytes, value: ids[4].bytes, in: store.schema.linksIn)
        }
        let missing = try #require(try graph.verifyNode(ids[1]))
        #expect(missing.map(\.kind) == [.missingIndexEntry] && missing.first?.database == "idx.context", "\(missing)")
        #expect(try graph.verifyNode(ids[4])?.map(\.kind) == [.oneSidedLink])
        #expect(try graph.verifyNode(ids[2]) == [])
        let full = try graph.verify().problems
        #expect(Set(full.map(\.kind)) == [.missingIndexEntry, .oneSidedLink], "verify() agrees: \(full)")
    }

    @Test("repair indexes nodes left waiting by lazy indexing; verify does not count them as missing")
    func pendingNodes() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        let prepared = try Validation.prepare(
            NodeDraft(agentID: "late", taskContext: "ctx", result: ["type": "note"]), maximumPayloadSize: 1 << 20,
            now: Date())
        try Self.corrupt(graph) { _, store in
            var store = store
            store.defersIndexing = true
            let terms = SearchableText.terms(result: ["type": "note"], metadata: [:], metadataPaths: [])
            try store.insert([prepared], terms: [prepared.id: terms])
            graph.interner.remember(store.createdNames)
        }
        #expect(try graph.verify().isClean)
        try graph.repair()
        #expect(try graph.recall(agentID: "late", taskContext: "ctx").map(\.id) == [prepared.id])
        #expect(try graph.verify().isClean)
    }

    @Test("verify works on a store opened read-only")
    func readOnly() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try store.open()
        try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "t"])
        graph.close()
        var configuration = GraphOptions.testing
        configuration.readOnly = true
        graph = try store.open(configuration)
        defer { graph.close() }
        #expect(try graph.verify() == VerificationReport(problems: [], nodesChecked: 1, bundlesChecked: 0))
        expectError(.readOnly) { try graph.repair() }
    }
}
