import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Search by vector, alone and fused with text: every matching embedding compared, the filter
/// and a session's scope applied inside, through adds, updates, removes and expiry; bad vectors
/// refused.
///
/// Vectors have small integer components, so that every sum is exact whatever order a backend
/// adds in: scores and ties then come out the same on every backend and in the brute-force
/// oracle, and ties are frequent enough to check the tie rule (the greater id first).
public enum VectorConformance {
    /// The dimension of the vectors of these tests.
    static let dimension = 12

    /// A vector of components from −4 to 4.
    static func vector(using random: inout SplitMix64) -> [Float] {
        (0..<dimension).map { _ in Float(Int.random(in: -4...4, using: &random)) }
    }

    /// The best `limit` of `candidates` by `metric` against `query`, computed directly.
    static func bruteForce(
        _ query: [Float], metric: VectorMetric, among candidates: [NodeID], embeddings: [NodeID: [Float]], limit: Int
    ) -> [ScoredNodeID] {
        let scored = candidates.compactMap { id in
            embeddings[id].map { ScoredNodeID(id: id, score: metric.score(query, $0)) }
        }
        return Array(scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }.prefix(limit))
    }

    /// Random nodes with and without embeddings, some updated, removed or expired, and random
    /// vector searches with random filters: each answers as a brute-force comparison of the
    /// embeddings of the nodes its filter matches.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func randomVectorSearches(on subject: ConformanceSubject, seed: UInt64) async throws {
        let start = Date(microseconds: 1_780_000_000_000_000)
        let clock = ManualClock(start)
        var configuration = MemoryGraph.Configuration.conformance
        configuration.currentTime = clock.read
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph
        var random = SplitMix64(seed: seed)
        let agents = ["scout", "planner", "critic"]
        let contexts = ["trip-1", "trip-2", "trip-3", "trip-4"]
        let types = ["plan", "note", "critique"]
        let words = ["route", "hotel", "flight", "budget", "museum", "train"]
        var embeddings: [NodeID: [Float]] = [:]
        var drafts: [NodeDraft] = []
        for index in 0..<160 {
            let embedding = index % 5 == 4 ? nil : vector(using: &random)
            drafts.append(
                NodeDraft(
                    id: NodeID(), agentID: agents[index % agents.count], taskContext: contexts[index % contexts.count],
                    result: [
                        "type": .string(types[index % types.count]),
                        "confidence_score": .double(Double(index % 11) / 10),
                        "summary": .string(
                            (0..<3).map { _ in words[Int.random(in: 0..<words.count, using: &random)] }.joined(
                                separator: " ")),
                    ],
                    timestamp: start.addingTimeInterval(-Double(index) * 60),
                    expiresAt: index % 16 == 3 ? start.addingTimeInterval(10) : nil, embedding: embedding))
        }
        _ = try await graph.addNodes(drafts)
        #expect(try await graph.embeddingDimension() == dimension)
        for draft in drafts {
            if let id = draft.id, let embedding = draft.embedding { embeddings[id] = embedding }
        }
        let ids = drafts.compactMap(\.id)
        for id in ids.prefix(20) {
            let embedding = vector(using: &random)
            try await graph.updateNode(id, embedding: .set(embedding))
            embeddings[id] = embedding
        }
        for id in ids.dropFirst(20).prefix(12) {
            try await graph.updateNode(id, embedding: .remove)
            embeddings[id] = nil
        }
        for id in ids.dropFirst(32).prefix(8) {
            try await graph.updateNode(id, result: ["type": "note", "summary": "revised route"])
        }
        for id in ids.suffix(12) {
            try await graph.removeNode(id)
            embeddings[id] = nil
        }
        clock.advance(by: 20)
        for draft in drafts where draft.expiresAt != nil {
            if let id = draft.id { embeddings[id] = nil }
        }
        for id in ids.prefix(60) {
            #expect(try await graph.embedding(of: id) == embeddings[id], "the embedding of \(id)")
        }

        for round in 0..<40 {
            let query = vector(using: &random)
            let metric = VectorMetric.allCases[round % VectorMetric.allCases.count]
            var request = SearchRequest(nearest: query, metric: metric, limit: Int.random(in: 1...30, using: &random))
            if Bool.random(using: &random) { request.filter.agentIDs = [agents[round % agents.count]] }
            if Bool.random(using: &random) { request.filter.contexts = Set(contexts.prefix(round % 4 + 1)) }
            if Bool.random(using: &random) { request.filter.types = [types[round % types.count]] }
            if Bool.random(using: &random) { request.filter.minConfidence = Double(round % 10) / 10 }
            if round % 5 == 0 {
                request.filter.timeRange = start.addingTimeInterval(-80 * 60)..<start.addingTimeInterval(-20 * 60)
            }
            guard !(metric == .cosine && !query.contains { $0 != 0 }) else { continue }
            var matching = request.filter
            matching.limit = 10_000
            let candidates = try await graph.queryIDs(matching)
            let expected = bruteForce(
                query, metric: metric, among: candidates, embeddings: embeddings, limit: request.limit)
            let hits = try await graph.search(request)
            #expect(hits.map(\.node.id) == expected.map(\.id), "round \(round): \(metric) \(request.filter)")
            // Without a vector index every backend compares exactly, and says so.
            let plan = try await graph.explain(request)
            #expect(plan.text == nil && plan.found == hits.count && plan.vector?.found == hits.count)
            #expect(plan.vector?.method == (request.filter.isUnconstrained ? .vectorScan : .vectorFilterScan))
            #expect(plan.vector?.scored.map { $0 >= hits.count } ?? true)
            for (hit, want) in zip(hits, expected) {
                #expect(abs(hit.score - want.score) < 1e-9)
                #expect(try await hit.node == graph.node(hit.node.id))
            }
        }

        // A session finds only inside its scope.
        let session = try graph.session(agent: "critic", reading: ReadScope(agentIDs: ["critic"]))
        let query = vector(using: &random)
        var everything = MemoryQuery()
        everything.agentIDs = ["critic"]
        everything.limit = 10_000
        let inScope = try await graph.queryIDs(everything)
        let seen = try await session.search(SearchRequest(nearest: query, metric: .dot, limit: 25))
        let expected = bruteForce(query, metric: .dot, among: inScope, embeddings: embeddings, limit: 25)
        #expect(seen.map(\.node.id) == expected.map(\.id))

        // Text and vector together: the two rankings fused by rank.
        for round in 0..<6 {
            let query = vector(using: &random)
            let text = words[round % words.count]
            var request = SearchRequest(text: text, nearest: query, metric: .euclidean, limit: 10, matching: .any)
            if round % 2 == 1 { request.filter.contexts = ["trip-2", "trip-3"] }
            let depth = SearchFusion.depth(limit: request.limit)
            var byText = request
            byText.nearest = nil
            byText.limit = depth
            var byVector = request
            byVector.text = nil
            byVector.limit = depth
            let fused = SearchFusion.fuse(
                [try await graph.search(byText).map(\.node.id), try await graph.search(byVector).map(\.node.id)],
                limit: request.limit)
            let hits = try await graph.search(request)
            #expect(hits.map(\.node.id) == fused.map(\.id), "hybrid round \(round)")
            let plan = try await graph.explain(request)
            #expect(plan.fusionDepth == depth && plan.found == hits.count && plan.text != nil && plan.vector != nil)
            #expect(zip(hits, fused).allSatisfy { abs($0.score - $1.score) < 1e-12 })
        }

        if store.canReopen {
            try await store.reopen()
            let reopened = store.graph
            let query = vector(using: &random)
            let hits = try await reopened.search(SearchRequest(nearest: query, metric: .euclidean, limit: 40))
            var all = MemoryQuery()
            all.limit = 10_000
            let expected = bruteForce(
                query, metric: .euclidean, among: try await reopened.queryIDs(all), embeddings: embeddings, limit: 40)
            #expect(hits.map(\.node.id) == expected.map(\.id), "after reopening")
        }
    }

    /// Bad vectors — empty, too long, not finite, of another dimension, of length 0 for cosine —
    /// and bad limits are refused with `.invalidArgument`, and nothing is written; a retried add
    /// with the same embedding adds nothing, one with another embedding is refused.
    ///
    /// - Throws: When the store cannot be opened.
    public static func badVectors(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let kept = NodeDraft(
            id: NodeID(), agentID: "a", taskContext: "c", result: ["summary": "a plan"], embedding: [1, 0, 0, 2])
        try await graph.addNodes([kept])
        let id = try #require(kept.id)
        let before = try await StoreContents(store)

        func draft(_ embedding: [Float]) -> NodeDraft {
            NodeDraft(agentID: "a", taskContext: "c", result: ["type": "note"], embedding: embedding)
        }
        let badDrafts: [[NodeDraft]] = [
            [draft([1, 2, 3])], [draft([])], [draft([1, .nan, 0, 0])], [draft([1, .infinity, 0, 0])],
            [draft([Float](repeating: 1, count: Embedding.maximumDimension + 1))], [draft([1e20, 1e20, 0, 0])],
            [draft([1, 1, 1, 1]), draft([1, 1, 1, 1, 1])],
        ]
        for drafts in badDrafts {
            let error = await #expect(throws: MemoryGraphError.self, "\(drafts.map(\.embedding))") {
                try await graph.addNodes(drafts)
            }
            #expect(error?.code == .invalidArgument && error?.message.isEmpty == false)
        }
        for vector: [Float] in [[1, 2, 3], [], [0, 0, .nan, 0], [1, 2, 3, 4, 5]] {
            let error = await #expect(throws: MemoryGraphError.self, "update to \(vector)") {
                try await graph.updateNode(id, embedding: .set(vector))
            }
            #expect(error?.code == .invalidArgument)
        }
        var changed = kept
        changed.embedding = [1, 0, 0, 3]
        let duplicate = await #expect(throws: MemoryGraphError.self) { try await graph.addNodes([changed]) }
        #expect(duplicate?.code == .duplicateID)
        #expect(try await StoreContents(store) == before, "a refused write changed the store")
        #expect(try await graph.addNodes([kept]) == [id], "a retried add with the same embedding")
        #expect(try await StoreContents(store) == before, "a retried add changed the store")

        let badSearches = [
            SearchRequest(), SearchRequest(nearest: []), SearchRequest(nearest: [1, .nan, 0, 0]),
            SearchRequest(nearest: [1, -.infinity, 0, 0]), SearchRequest(nearest: [1, 2, 3]),
            SearchRequest(nearest: [1, 2, 3, 4, 5]), SearchRequest(nearest: [0, 0, 0, 0], metric: .cosine),
            SearchRequest(nearest: [1, 0, 0, 0], limit: 0),
            SearchRequest(nearest: [1, 0, 0, 0], limit: SearchRequest.maximumLimit + 1),
            SearchRequest(text: "plan", nearest: [1, 2]), SearchRequest(nearest: [3e19, 0, 0, 0], metric: .dot),
        ]
        for request in badSearches {
            let error = await #expect(throws: MemoryGraphError.self, "\(request)") { try await graph.search(request) }
            #expect(error?.code == .invalidArgument && error?.message.isEmpty == false)
        }
        let zero = try await graph.search(SearchRequest(nearest: [0, 0, 0, 0], metric: .dot))
        #expect(zero.map(\.node.id) == [id] && zero.first?.score == 0)

        try await graph.updateNode(id, embedding: .remove)
        #expect(try await graph.embedding(of: id) == nil)
        #expect(try await graph.search(SearchRequest(nearest: [1, 0, 0, 0])).isEmpty)
        let error = await #expect(throws: MemoryGraphError.self, "the dimension stays fixed") {
            try await graph.addNodes([draft([1, 2])])
        }
        #expect(error?.code == .invalidArgument)
    }
}
