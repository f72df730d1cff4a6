import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

extension BenchRun {
    /// The most vectors S10 stores.
    static let maximumVectors = 100_000
    /// The most queries S10 runs per repetition (fewer when `--queries` is lower).
    static let vectorSearchQueries = 100

    /// S10: exact vector search, on a store of its own: the first min(N, 100 000) nodes of the
    /// data set (agents, contexts, types, confidences, timestamps; no summary), each with a seeded random unit
    /// vector of `dimension` components as its embedding; random unit query vectors, top 10 by
    /// cosine, without a filter (S10) and with S4's (S10f). The twin is NumPy's brute force
    /// (``NumPyTwin``) run by `python`; both must return the same ids for every query. Without
    /// NumPy, the twin is skipped (and said so) and the answers are checked against a brute
    /// force here.
    func s10VectorSearch(dimension: Int, python: String) throws -> [ScenarioResult] {
        let count = min(workload.nodes.count, Self.maximumVectors)
        let queryCount = min(queries, Self.vectorSearchQueries)
        let k = Self.searchLimit
        let nodes = Array(workload.nodes.prefix(count))
        var random = SplitMix64(seed: seed ^ 0x5E_C7_0010)
        let vectors = UnitVectors(count: count, dimension: dimension, using: &random)
        let probes = UnitVectors(count: queryCount, dimension: dimension, using: &random)
        let filters = (0..<queryCount).map { _ in S4Filter.draw(from: workload, using: &random) }
        let kept = filters.map { filter in
            let keeps = filter.predicate()
            return nodes.indices.filter { keeps(nodes[$0]) }
        }
        var masks = [UInt8](repeating: 0, count: queryCount * count)
        for (query, rows) in kept.enumerated() { for row in rows { masks[query * count + row] = 1 } }

        let path = directory + "/s10-vectors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = configuration(caching: true)
        options.embeddingDimension = dimension
        let graph = try MemoryGraph(path: path, configuration: options, lmdb: lmdb)
        defer { graph.close() }
        let batches = stride(from: 0, to: count, by: 1_000).map { $0..<min($0 + 1_000, count) }
        let load = try Measurement.time(batches.count) { batch in
            _ = try graph.addNodes(
                batches[batch].map { index in
                    // The filter's fields, without the summary: this store is for vectors.
                    let node = nodes[index]
                    return NodeDraft(
                        id: node.id, agentID: node.agent, taskContext: node.context,
                        result: ["type": .string(node.type), "confidence_score": .double(node.confidence)],
                        timestamp: node.timestamp, embedding: vectors[index])
                })
        }
        let rows = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let unfiltered = (0..<queryCount).map { SearchRequest(nearest: probes[$0], metric: .cosine, limit: k) }
        let filtered = (0..<queryCount).map {
            SearchRequest(nearest: probes[$0], metric: .cosine, filter: filters[$0].query, limit: k)
        }

        // The answers first: MemoryGraph's, then the twin's (which times its queries as it runs).
        func answers(_ requests: [SearchRequest]) throws -> [[Int]] {
            try requests.map { request in
                try awaitFromThread { try await graph.search(request) }.map { rows[$0.node.id] ?? -1 }
            }
        }
        let mine = (unfiltered: try answers(unfiltered), filtered: try answers(filtered))
        let outcome = try NumPyTwin(python: python, directory: directory)
            .run(vectors: vectors, queries: probes, masks: masks, k: k, repetitions: repetitions)
        let reference: (unfiltered: [[Int]], filtered: [[Int]])
        var twinDetail: String
        switch outcome {
        case .success(let numpy):
            reference = (numpy.unfiltered.ids, numpy.filtered.ids)
            twinDetail =
                "\(numpy.versions), one BLAS thread; its filter is given as a mask per query, "
                + "not evaluated in its time"
        case .failure(let skipped):
            FileHandle.standardError.write(Data("S10: the NumPy twin was skipped: \(skipped.reason)\n".utf8))
            reference = (
                (0..<queryCount).map { vectors.nearest(probes[$0], among: nil, k: k) },
                (0..<queryCount).map { vectors.nearest(probes[$0], among: kept[$0], k: k) }
            )
            twinDetail = "the NumPy twin was skipped (\(skipped.reason)); answers checked against a brute force here"
        }
        var nearTies = 0
        for (id, theirs, ours) in [
            ("S10", reference.unfiltered, mine.unfiltered), ("S10f", reference.filtered, mine.filtered),
        ] {
            for query in 0..<queryCount {
                switch Self.compareNeighbours(ours[query], theirs[query], vectors: vectors, query: probes[query]) {
                case .same: break
                case .nearTie: nearTies += 1
                case .different:
                    throw AnswerMismatch(
                        description: "\(id): MemoryGraph's top \(k) for query \(query) is rows \(ours[query]), "
                            + "the brute force's \(theirs[query])")
                }
            }
        }

        let mineUnfiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(unfiltered[index]) }
        let mineFiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(filtered[index]) }
        let numpy = try? outcome.get()
        let title = "vector search, exact, cosine, top \(k) of \(count) × \(dimension)"
        var first = ScenarioResult(
            id: "S10", title: title, memoryGraph: mineUnfiltered, baselineName: "NumPy brute force",
            baseline: numpy?.unfiltered.measurement)
        first.detail = String(
            format: "S10 answers: %d queries a repetition (at most 100); MemoryGraph's top %d = %@ on every query "
                + "(%d differing only where the exact scores tie to 1e-6); S4's filter keeps %.1f vectors a query on average · %@ · "
                + "load of its store: %.0f nodes/s, %@", queryCount, k, numpy == nil ? "the brute force's" : "NumPy's",
            nearTies, Double(kept.map(\.count).reduce(0, +)) / Double(max(queryCount, 1)), twinDetail,
            Double(count) / load.seconds, sizeText(diskBytes(path)))
        let second = ScenarioResult(
            id: "S10f", title: "vector search with S4's filter, exact, cosine, top \(k)", memoryGraph: mineFiltered,
            baselineName: "NumPy brute force", baseline: numpy?.filtered.measurement)
        return [first, second]
    }

    /// How two top-k lists of rows compare.
    enum NeighbourComparison {
        case same
        /// They differ only where the exact scores tie (to 10⁻⁶): float rounding.
        case nearTie
        case different
    }

    /// Compares two engines' top-k rows for `query` rank by rank, by the exact cosine.
    static func compareNeighbours(_ a: [Int], _ b: [Int], vectors: UnitVectors, query: [Float])
        -> NeighbourComparison
    {
        if a == b { return .same }
        guard a.count == b.count, Set(a).count == a.count, a.allSatisfy({ (0..<vectors.count).contains($0) }) else {
            return .different
        }
        for (x, y) in zip(a, b) where abs(vectors.cosine(x, query) - vectors.cosine(y, query)) > 1e-6 {
            return .different
        }
        return .nearTie
    }
}
