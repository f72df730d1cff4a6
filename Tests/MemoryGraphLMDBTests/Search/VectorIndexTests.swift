import Foundation
import LMDB
import MemoryGraph
import MemoryGraphTesting
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// The approximate vector index: its answers against exact search, and the graph kept whole
/// through every kind of write.
@Suite("Vector index")
struct VectorIndexTests {
    /// The share of the exact top `k` that the index found, over every query.
    private static func recall(_ found: [[ScoredNodeID]], _ exact: [[ScoredNodeID]]) -> Double {
        var hits = 0
        var total = 0
        for (found, exact) in zip(found, exact) {
            hits += Set(found.map(\.id)).intersection(exact.map(\.id)).count
            total += exact.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }

    /// A graph at a new temporary store, with the vector index `setting`.
    private static func open(_ store: TemporaryStore, _ setting: VectorIndexSetting, clock: ManualClock? = nil) throws
        -> MemoryGraph
    {
        var options = GraphOptions.testing
        options.vectorIndex = setting
        options.expirySweepInterval = nil
        if let clock { options.currentTime = clock.read }
        return try store.open(options)
    }

    /// Node `vector`'s nearest `limit` by cosine among those `filter` matches, with how they were found.
    private static func nearest(
        _ graph: MemoryGraph, _ vector: [Float], _ filter: MemoryQuery = MemoryQuery(), limit: Int = 10
    )
        throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)
    {
        try graph.backend.read {
            try $0.nearestNodesExplained(to: vector, metric: .cosine, matching: filter, limit: limit)
        }
    }

    /// Adds `count` nodes of one agent and context, each with the next vector of `sample`.
    private static func addVectors(
        _ count: Int, to graph: MemoryGraph, from sample: EmbeddingSample, using random: inout SplitMix64
    ) throws -> [NodeID] {
        try graph.addNodes(
            (0..<count).map { _ in
                NodeDraft(agentID: "a", taskContext: "c", result: [:], embedding: sample.next(using: &random))
            })
    }

    @Test(
        "recall@10 against exact search, unfiltered and with a broad filter the walk applies; a selective filter is exact"
    )
    func recallAgainstExact() throws {
        var random = SplitMix64(seed: 0xA11CE)
        let sample = EmbeddingSample(dimension: 32, using: &random)
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try Self.open(
            store, .hnsw(VectorIndexParameters(neighbors: 8, constructionBreadth: 48, searchBreadth: 40)))
        defer { graph.close() }
        let agents = ["scout", "planner", "critic"]
        let drafts = (0..<2_400).map { index in
            NodeDraft(
                agentID: agents[index % 3], taskContext: "trip-\(index % 40)", result: ["type": "note"],
                embedding: sample.next(using: &random))
        }
        for batch in stride(from: 0, to: drafts.count, by: 400) {
            _ = try graph.addNodes(Array(drafts[batch..<min(batch + 400, drafts.count)]))
        }
        let queries = (0..<50).map { _ in sample.next(using: &random) }
        var broad = MemoryQuery()
        broad.agentIDs = ["scout", "planner"]
        var selective = MemoryQuery()
        selective.contexts = ["trip-7"]
        for (filter, method) in [
            (MemoryQuery(), SearchPlan.Method.vectorIndex), (broad, .vectorIndex), (selective, .vectorFilterScan),
        ] {
            var found: [[ScoredNodeID]] = []
            var exact: [[ScoredNodeID]] = []
            for query in queries {
                let (hits, ranking) = try Self.nearest(graph, query, filter)
                #expect(ranking.method == method, "\(ranking)")
                #expect(hits.count == 10)
                found.append(hits)
                exact.append(try graph.backend.read { try $0.exactNearest(to: query, matching: filter, limit: 10) })
            }
            let measured = Self.recall(found, exact)
            #expect(measured >= 0.95, "recall@10 \(measured) with \(method)")
            if method == .vectorFilterScan { #expect(found == exact) }
        }
        // Another metric than the index's is answered exactly.
        let (hits, ranking) = try graph.backend.read {
            try $0.nearestNodesExplained(to: queries[0], metric: .dot, matching: MemoryQuery(), limit: 10)
        }
        #expect(ranking.method == .vectorScan && hits.count == 10)
    }

    @Test("random adds, embedding changes, removals and expiry keep the graph whole and its answers near exact")
    func randomWrites() async throws {
        var random = SplitMix64(seed: 0xBEE5)
        let sample = EmbeddingSample(dimension: 16, using: &random)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_780_000_000))
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try Self.open(
            store, .hnsw(VectorIndexParameters(neighbors: 6, constructionBreadth: 32)), clock: clock)
        var live: [NodeID: [Float]] = [:]
        var expiring: [NodeID: Date] = [:]
        for step in 0..<600 {
            let roll = Int.random(in: 0..<20, using: &random)
            let ids = live.keys.sorted()
            if roll < 11 || ids.isEmpty {
                let vector = Int.random(in: 0..<5, using: &random) == 0 ? nil : sample.next(using: &random)
                let expires =
                    Int.random(in: 0..<6, using: &random) == 0
                    ? clock.read().addingTimeInterval(Double.random(in: 1...20, using: &random)) : nil
                let id = try await graph.addNode(
                    agentID: "a\(step % 2)", taskContext: "c", result: ["type": "note"], expiresAt: expires,
                    embedding: vector)
                if let vector { live[id] = vector }
                if let expires { expiring[id] = expires }
            } else if roll < 15 {
                let id = ids[Int.random(in: 0..<ids.count, using: &random)]
                if Int.random(in: 0..<4, using: &random) == 0 {
                    try await graph.updateNode(id, embedding: .remove)
                    live[id] = nil
                } else {
                    let vector = sample.next(using: &random)
                    try await graph.updateNode(id, embedding: .set(vector))
                    live[id] = vector
                }
            } else if roll < 18 {
                let id = ids[Int.random(in: 0..<ids.count, using: &random)]
                try await graph.removeNode(id)
                live[id] = nil
            } else {
                clock.advance(by: Double.random(in: 0...4, using: &random))
                let now = clock.read()
                for (id, time) in expiring where time <= now {
                    live[id] = nil
                    expiring[id] = nil
                }
                _ = try await graph.sweepExpired()
            }
            guard step % 100 == 99 else { continue }
            #expect(try graph.verify().isClean, "step \(step)")
            if step == 299 {
                graph.close()
                graph = try Self.open(store, .keep, clock: clock)
            }
            // Every live embedding is found by itself, first.
            var missed = 0
            for (id, vector) in live {
                let (hits, ranking) = try Self.nearest(graph, vector, limit: 1)
                #expect(ranking.method == .vectorIndex)
                if hits.first?.id != id { missed += 1 }
            }
            #expect(missed <= live.count / 50, "step \(step): \(missed) of \(live.count) not found by their own vector")
            let found = try Self.nearest(graph, sample.next(using: &random), limit: 400).hits.map(\.id)
            #expect(Set(found).isSubset(of: live.keys) && found.count == min(400, live.count), "step \(step)")
        }
        graph.close()
    }

    @Test("an open builds, keeps or drops the index as its setting says, and checks the parameters")
    func settings() throws {
        var random = SplitMix64(seed: 0x5E77)
        let sample = EmbeddingSample(dimension: 8, using: &random)
        let store = TemporaryStore()
        defer { store.remove() }
        var ids: [NodeID] = []
        do {
            let graph = try Self.open(store, .keep)
            defer { graph.close() }
            ids = try Self.addVectors(300, to: graph, from: sample, using: &random)
            #expect(try Self.nearest(graph, sample.next(using: &random)).ranking.method == .vectorScan)
        }
        let parameters = VectorIndexParameters(neighbors: 6, constructionBreadth: 24)
        do {
            let graph = try Self.open(store, .hnsw(parameters))
            defer { graph.close() }
            #expect(try graph.verify().isClean)
            for id in ids.prefix(20) {
                let vector = try #require(try graph.embedding(of: id))
                let (hits, ranking) = try Self.nearest(graph, vector, limit: 1)
                #expect(ranking.method == .vectorIndex && hits.first?.id == id)
            }
        }
        let built = try Self.open(store, .keep)
        let graphBefore = try built.rawContents()["vectors.graph"]
        ids.append(
            try built.addNode(agentID: "a", taskContext: "c", result: [:], embedding: sample.next(using: &random)))
        #expect(try built.verify().isClean)
        #expect(
            try Self.nearest(built, try #require(try built.embedding(of: ids.last!)), limit: 1).hits.first?.id
                == ids.last)
        #expect(try built.rawContents()["vectors.graph"] != graphBefore)
        built.close()

        // Another search breadth is stored without a rebuild; other neighbour counts rebuild.
        var wider = parameters
        wider.searchBreadth = 200
        do {
            let graph = try Self.open(store, .hnsw(wider))
            defer { graph.close() }
            #expect(try graph.backend.read { try $0.vectorIndexParameters() } == wider)
            #expect(try graph.verify().isClean)
        }
        do {
            let graph = try Self.open(store, .hnsw(VectorIndexParameters(neighbors: 12)))
            defer { graph.close() }
            #expect(try graph.verify().isClean)
            #expect(try Self.nearest(graph, sample.next(using: &random)).ranking.method == .vectorIndex)
        }
        do {
            let graph = try Self.open(store, .drop)
            defer { graph.close() }
            #expect(try Self.nearest(graph, sample.next(using: &random)).ranking.method == .vectorScan)
            #expect(try graph.rawContents()["vectors.graph"]?.isEmpty == true)
            #expect(try graph.rawContents()["vectors.levels"]?.isEmpty == true)
            #expect(try graph.verify().isClean)
        }

        for bad in [
            VectorIndexParameters(neighbors: 2), VectorIndexParameters(neighbors: 65),
            VectorIndexParameters(neighbors: 16, constructionBreadth: 8), VectorIndexParameters(searchBreadth: 0),
            VectorIndexParameters(searchBreadth: 1_001),
        ] {
            expectError(.invalidConfiguration) { try Self.open(store, .hnsw(bad)) }
        }
        var readOnly = GraphOptions.testing
        readOnly.readOnly = true
        readOnly.vectorIndex = .drop
        expectError(.invalidConfiguration) { try store.open(readOnly) }
    }

    @Test("verify finds a damaged index and repair rebuilds it")
    func verifyAndRepair() throws {
        var random = SplitMix64(seed: 0xDA3A)
        let sample = EmbeddingSample(dimension: 8, using: &random)
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try Self.open(store, .hnsw(VectorIndexParameters(neighbors: 4, constructionBreadth: 16)))
        defer { graph.close() }
        let ids = try Self.addVectors(200, to: graph, from: sample, using: &random)
        let schema = graph.schema
        let victims = Array(ids.prefix(5))
        try graph.environment.write { txn in
            let levels = try #require(schema.vectorLevels)
            let lists = try #require(schema.vectorGraph)
            for id in victims {
                var key: [UInt8] = []
                id.write(to: &key)
                key.append(0)
                _ = try txn.delete(key, in: lists)
            }
            var stray: [UInt8] = [255]
            NodeID().write(to: &stray)
            try txn.put([UInt8](), forKey: stray, in: levels)
        }
        let report = try graph.verify()
        #expect(report.problems.filter { $0.database == "vectors.graph" }.count == victims.count)
        #expect(report.problems.contains { $0.database == "vectors.levels" && $0.kind == .orphanIndexEntry })
        _ = try graph.repair()
        #expect(try graph.verify().isClean)
        for id in ids.prefix(20) {
            let vector = try #require(try graph.embedding(of: id))
            #expect(try Self.nearest(graph, vector, limit: 1).hits.first?.id == id)
        }
    }

    @Test("a schema 6 store is upgraded, and an open that asks for the index builds it from the embeddings")
    func upgradeFromSchema6() throws {
        var random = SplitMix64(seed: 0x0006)
        let sample = EmbeddingSample(dimension: 8, using: &random)
        let store = TemporaryStore()
        defer { store.remove() }
        var ids: [NodeID] = []
        do {
            let graph = try Self.open(store, .keep)
            defer { graph.close() }
            ids = try Self.addVectors(100, to: graph, from: sample, using: &random)
            try graph.environment.write { txn in
                var version: [UInt8] = []
                version.appendBigEndian(UInt32(6))
                try txn.put(version, forKey: MetaKey.schemaVersion, in: graph.schema.meta)
            }
        }
        var readOnly = GraphOptions.testing
        readOnly.readOnly = true
        do {
            let graph = try store.open(readOnly)
            defer { graph.close() }
            #expect(try graph.status().schemaVersion == 6)
            #expect(try Self.nearest(graph, sample.next(using: &random)).ranking.method == .vectorScan)
        }
        let graph = try Self.open(store, .hnsw(VectorIndexParameters(neighbors: 4, constructionBreadth: 16)))
        defer { graph.close() }
        #expect(try graph.status().schemaVersion == Int(Schema.version))
        #expect(try graph.verify().isClean)
        let vector = try #require(try graph.embedding(of: ids[42]))
        let (hits, ranking) = try Self.nearest(graph, vector, limit: 1)
        #expect(ranking.method == .vectorIndex && hits.first?.id == ids[42])
    }

    @Test("explain tells how each ranking of a search was found")
    func explainSearch() async throws {
        var random = SplitMix64(seed: 0xE4)
        let sample = EmbeddingSample(dimension: 8, using: &random)
        let store = TemporaryStore()
        defer { store.remove() }
        let graph = try Self.open(store, .hnsw(VectorIndexParameters(neighbors: 4, constructionBreadth: 16)))
        defer { graph.close() }
        let words = ["oslo", "bergen", "museum", "train"]
        _ = try await graph.addNodes(
            (0..<1_200).map { index in
                NodeDraft(
                    agentID: "a\(index % 2)", taskContext: "trip-\(index % 100)",
                    result: ["summary": .string(words[index % 4] + " " + words[(index / 4) % 4])],
                    embedding: sample.next(using: &random))
            })
        let vector = sample.next(using: &random)
        var selective = MemoryQuery()
        selective.contexts = ["trip-3"]

        let byText = try await graph.explain(SearchRequest(text: "oslo museum"))
        #expect(byText.vector == nil && byText.fusionDepth == nil)
        #expect(byText.text?.method == .textIndexCandidates || byText.text?.method == .textIndex)
        #expect(byText.found == 10 && byText.text?.found == 10)
        let filteredText = try await graph.explain(SearchRequest(text: "oslo", filter: selective))
        #expect(filteredText.text?.method == .textIndexCandidates && filteredText.text?.scored == 12)

        let byVector = try await graph.explain(SearchRequest(nearest: vector, limit: 5))
        #expect(byVector.vector?.method == .vectorIndex && byVector.found == 5)
        #expect((byVector.vector?.scored ?? 0) > 5)
        let filteredVector = try await graph.explain(SearchRequest(nearest: vector, filter: selective, limit: 5))
        #expect(filteredVector.vector?.method == .vectorFilterScan && filteredVector.vector?.scored == 12)

        // A session whose scope is narrower than the graph ranks words by its own statistics.
        let session = try graph.session(agent: "a0", reading: ReadScope(agentIDs: ["a0"]))
        let scoped = try await session.explain(SearchRequest(text: "oslo", nearest: vector, limit: 5))
        #expect(scoped.text?.method == .textScan && scoped.text?.scored == 600, "\(scoped)")
        #expect(scoped.vector?.method == .vectorFilterScan || scoped.vector?.method == .vectorIndex)
        #expect(scoped.found == 5)

        let hybrid = try await graph.explain(SearchRequest(text: "bergen", nearest: vector, limit: 5))
        #expect(hybrid.fusionDepth == 50 && hybrid.text != nil && hybrid.vector != nil && hybrid.found == 5)
        #expect(try await graph.search(SearchRequest(text: "bergen", nearest: vector, limit: 5)).count == 5)
    }
}

extension StoreTransaction {
    /// The exact answer: every visible embedding that the filter matches, compared.
    fileprivate func exactNearest(to vector: [Float], matching filter: MemoryQuery, limit: Int) throws
        -> [ScoredNodeID]
    {
        var unlimited = filter
        unlimited.limit = .max
        let matches = try run(ResolvedQuery(unlimited, after: nil, store: self), limit: .max).postings
        var top = TopScores(limit: limit)
        for posting in matches {
            if let stored = try embedding(of: posting.id) {
                top.offer(posting.id, score: VectorMetric.cosine.score(vector, stored))
            }
        }
        return top.best
    }
}
