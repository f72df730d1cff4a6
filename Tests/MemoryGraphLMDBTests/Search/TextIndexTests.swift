import Foundation
import LMDB
import MemoryGraph
import MemoryGraphTesting
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// The full-text index in LMDB, held to ``SearchCorpus`` over the nodes a read sees: the same
/// hits and the same scores to the last bit, through random writes, expiry and reopening.
@Suite("Full-text index")
struct TextIndexTests {
    private static let words = [
        "plan", "planner", "planning", "plant", "route", "router", "hotel", "hôtel", "flight", "budget", "museum",
        "train", "oslo", "bergen", "note",
    ]

    private static func text(using random: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...7, using: &random)).map { _ in
            words[min(words.count - 1, Int(Double(words.count) * pow(Double.random(in: 0..<1, using: &random), 2)))]
        }.joined(separator: " ")
    }

    /// What the index must answer: SearchCorpus over the visible nodes.
    private static func expected(
        _ terms: [SearchTerm], _ matching: SearchMatching, limit: Int, nodes: [NodeID: MemoryNode], now: Date,
        paths: [String], allowed: (MemoryNode) -> Bool = { _ in true }
    ) -> [ScoredNodeID] {
        var corpus = SearchCorpus()
        for node in nodes.values where node.expiresAt.map({ $0 > now }) ?? true {
            corpus.set(node.id, terms: node.searchTerms(metadataPaths: paths))
        }
        return corpus.rank(terms, matching: matching, limit: limit) { id in nodes[id].map(allowed) ?? false }
            .map { ScoredNodeID(id: $0.id, score: $0.score) }
    }

    @Test(
        "random adds, updates, removes and expiry: the index ranks as SearchCorpus, bit for bit",
        arguments: [LMDBConfiguration.IndexUpdateStrategy.immediate, .lazy])
    func randomWrites(strategy: LMDBConfiguration.IndexUpdateStrategy) async throws {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let clock = ManualClock(start)
        var options = GraphOptions.testing
        options.searchableMetadataPaths = ["title"]
        options.currentTime = clock.read
        options.expirySweepInterval = nil
        options.indexUpdateStrategy = strategy
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open(options)
        defer { graph.close() }
        var random = SplitMix64(seed: 0x7E87)
        var nodes: [NodeID: MemoryNode] = [:]
        let agents = ["scout", "planner"]
        for step in 0..<400 {
            let roll = Int.random(in: 0..<10, using: &random)
            let ids = nodes.keys.sorted()
            if roll < 5 || ids.isEmpty {
                let expires = Int.random(in: 0..<8, using: &random) == 0
                let id = try await graph.addNode(
                    agentID: agents[step % 2], taskContext: "trip-\(step % 3)",
                    result: ["type": "note", "summary": .string(Self.text(using: &random)), "n": .int(step)],
                    metadata: [
                        "title": .string(Self.text(using: &random)), "other": .string(Self.text(using: &random)),
                    ],
                    expiresAt: expires
                        ? clock.read().addingTimeInterval(Double.random(in: 1...30, using: &random)) : nil)
                nodes[id] = try await graph.node(id)
            } else if roll < 8 {
                let id = ids[Int.random(in: 0..<ids.count, using: &random)]
                guard try await graph.node(id) != nil else { continue }
                if Bool.random(using: &random) {
                    try await graph.updateNode(id, result: ["summary": .string(Self.text(using: &random))])
                } else {
                    try await graph.updateNode(id, metadata: ["title": .string(Self.text(using: &random))])
                }
                nodes[id] = try await graph.node(id)
            } else if roll < 9 {
                let id = ids[Int.random(in: 0..<ids.count, using: &random)]
                try await graph.removeNode(id)
                nodes[id] = nil
            } else {
                clock.advance(by: Double.random(in: 0...5, using: &random))
            }
            guard step % 25 == 24 else { continue }
            // Nodes that expire now are hidden until the next write sweeps them.
            clock.advance(by: 4)
            for round in 0..<6 {
                var query = Self.text(using: &random)
                if round % 3 == 0 { query += "*" }
                let terms = SearchTerm.parse(query)
                guard !terms.isEmpty else { continue }
                let matching: SearchMatching = round % 2 == 0 ? .all : .any
                var filter = MemoryQuery()
                if round == 5 { filter.agentIDs = ["planner"] }
                if round == 4 { filter.contexts = ["trip-1"] }
                let found = try #require(
                    try await graph.backend.searchText(
                        terms, matching: matching, filter: filter, limit: 20, metadataPaths: ["title"]))
                let want = Self.expected(
                    terms, matching, limit: 20, nodes: nodes, now: clock.read(), paths: ["title"]
                ) {
                    (filter.agentIDs?.contains($0.agentID) ?? true)
                        && (filter.contexts?.contains($0.taskContext) ?? true)
                }
                #expect(found == want, "step \(step): \"\(query)\" \(matching)")
            }
        }
        #expect(try graph.verify().isClean)
        // Another set of metadata paths than the index's: no answer from the index.
        #expect(
            try await graph.backend.searchText(
                [.exact("plan")], matching: .all, filter: MemoryQuery(), limit: 5, metadataPaths: []) == nil)
    }

    @Test("opened with other metadata paths, the store rebuilds its index with them")
    func pathsChange() async throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var options = GraphOptions.testing
        var id: NodeID
        do {
            let graph = try store.open(options)
            defer { graph.close() }
            id = try await graph.addNode(
                agentID: "a", taskContext: "c", result: ["summary": "a plan"], metadata: ["title": "Oslo museum"])
            #expect(try await graph.search(SearchRequest(text: "museum")).isEmpty)
        }
        options.searchableMetadataPaths = ["title"]
        let graph = try store.open(options)
        defer { graph.close() }
        #expect(try await graph.search(SearchRequest(text: "museum")).map(\.node.id) == [id])
        #expect(try graph.verify().isClean)
    }

    @Test("a damaged index is found by verify and rebuilt by repair")
    func verifyAndRepair() async throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try store.open()
        defer { graph.close() }
        let id = try await graph.addNode(agentID: "a", taskContext: "c", result: ["summary": "flight to Oslo"])
        try await graph.addNode(agentID: "a", taskContext: "c", result: ["summary": "hotel in Oslo"])
        let schema = graph.schema
        try graph.environment.write { txn in
            let terms = try #require(schema.textTerms)
            let documents = try #require(schema.textDocuments)
            let document = try #require(try txn.get(id.bytes, in: documents))
            let number = document.withUnsafeBytes { $0.bigEndianUInt64(at: 0) }
            #expect(
                try txn.delete(
                    Array("flight".utf8), value: StoreTransaction.textPosting(number, occurrences: 1), in: terms))
            _ = try txn.put(
                StoreTransaction.textPosting(999, occurrences: 2), forKey: Array("ghost".utf8), in: terms)
        }
        let report = try graph.verify()
        #expect(Set(report.problems.map(\.kind)) == [.missingIndexEntry, .orphanIndexEntry], "\(report)")
        #expect(try await graph.search(SearchRequest(text: "flight")).isEmpty)
        _ = try graph.repair()
        #expect(try graph.verify().isClean)
        #expect(try await graph.search(SearchRequest(text: "flight")).map(\.node.id) == [id])
    }

    @Test("a schema 7 store (postings by node id) is searched without its index read-only, reindexed writable")
    func upgradeFromSchema7() async throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var random = SplitMix64(seed: 0x0007)
        var ids: [NodeID] = []
        do {
            let graph = try store.open()
            defer { graph.close() }
            for _ in 0..<60 {
                let text = Self.text(using: &random)
                ids.append(try await graph.addNode(agentID: "a", taskContext: "c", result: ["summary": .string(text)]))
            }
            #expect(try await graph.removeNode(ids.removeFirst()))
            try OlderSchema.downgradeTextIndex(graph)
        }
        let request = SearchRequest(text: "oslo plan*", limit: 20, matching: .any)
        var readOnly = GraphOptions.testing
        readOnly.readOnly = true
        var scanned: [SearchHit] = []
        do {
            let graph = try store.open(readOnly)
            defer { graph.close() }
            #expect(try graph.status().schemaVersion == 7)
            #expect(try await graph.explain(request).text?.method == .textScan)
            scanned = try await graph.search(request)
            #expect(!scanned.isEmpty)
        }
        let graph = try store.open()
        defer { graph.close() }
        #expect(try graph.status().schemaVersion == Int(Schema.version))
        #expect(try graph.verify().isClean)
        #expect(try await graph.explain(request).text?.method == .textIndex)
        let indexed = try await graph.search(request)
        #expect(indexed.map(\.node.id) == scanned.map(\.node.id))
        #expect(indexed.map(\.score) == scanned.map(\.score))
    }
}
