import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

extension BenchRun {
    /// The most vectors S10 stores.
    static let maximumVectors = 100_000
    /// The most queries S10 runs per repetition (fewer when `--queries` is lower).
    static let vectorSearchQueries = 100

    /// S10's data: the nodes, their vectors, the queries and S4's filters, as both of its stores
    /// and the twins see them.
    struct VectorData {
        /// The first min(N, ``maximumVectors``) nodes of the data set.
        let nodes: [Workload.Node]
        /// Node `i`'s embedding is vector `i`.
        let vectors: UnitVectors
        /// The query vectors.
        let probes: UnitVectors
        /// For each query, the rows its filter keeps.
        let kept: [[Int]]
        /// One byte a vector for each query (query-major): 1 where its filter keeps the vector.
        let masks: [UInt8]
        /// The row of each node.
        let rows: [NodeID: Int]
        /// Every query, top ``BenchRun/searchLimit`` by cosine, without a filter.
        let unfiltered: [SearchRequest]
        /// The same with its S4 filter.
        let filtered: [SearchRequest]

        var count: Int { vectors.count }
        var queryCount: Int { probes.count }
        /// The mean number of rows a filter keeps.
        var meanKept: Double { Double(kept.map(\.count).reduce(0, +)) / Double(max(queryCount, 1)) }
    }

    /// What S10's exact rows leave to S10a's.
    struct ExactVectorSearch {
        var results: [ScenarioResult]
        /// The exact top-k rows of every query (NumPy's, or the brute force's without NumPy),
        /// unfiltered and filtered.
        var answers: (unfiltered: [[Int]], filtered: [[Int]])
        /// Whose exact answers they are, as a possessive ("NumPy's").
        var source: String
        /// The load of the store without the index, in nodes per second, and its size in bytes.
        var loadRate: Double
        var bytes: Int
    }

    /// S10: vector search on stores of their own holding the first min(N, 100 000) nodes of the
    /// data set (agents, contexts, types, confidences, timestamps; no summary), each with a
    /// seeded vector of `dimension` components drawn from an ``EmbeddingSample`` (so that it has
    /// near neighbours, as embeddings of text do) as its embedding, and query vectors from the
    /// same sample, top 10 by cosine, without a filter and with S4's:
    ///
    /// - S10 and S10f: exact, on a store without a vector index. The twin is NumPy's brute force
    ///   (``NumPyTwin``) run by `python`; both must return the same ids for every query. Without
    ///   NumPy, the twin is skipped (and said so) and the answers are checked against a brute
    ///   force here.
    /// - S10a and S10af: on a second store with an HNSW index (``s10IndexedSearch(_:exact:python:)``),
    ///   their recall measured against those exact answers, beside hnswlib at equal recall.
    func s10VectorSearch(dimension: Int, python: String) throws -> [ScenarioResult] {
        let count = min(workload.nodes.count, Self.maximumVectors)
        let queryCount = min(queries, Self.vectorSearchQueries)
        let nodes = Array(workload.nodes.prefix(count))
        var random = SplitMix64(seed: seed ^ 0x5E_C7_0010)
        let sample = EmbeddingSample(dimension: dimension, using: &random)
        let vectors = UnitVectors(count: count, sample: sample, using: &random)
        let probes = UnitVectors(count: queryCount, sample: sample, using: &random)
        let filters = (0..<queryCount).map { _ in S4Filter.draw(from: workload, using: &random) }
        let kept = filters.map { filter in
            let keeps = filter.predicate()
            return nodes.indices.filter { keeps(nodes[$0]) }
        }
        var masks = [UInt8](repeating: 0, count: queryCount * count)
        for (query, rows) in kept.enumerated() { for row in rows { masks[query * count + row] = 1 } }
        let data = VectorData(
            nodes: nodes, vectors: vectors, probes: probes, kept: kept, masks: masks,
            rows: Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first }),
            unfiltered: (0..<queryCount).map {
                SearchRequest(nearest: probes[$0], metric: .cosine, limit: Self.searchLimit)
            },
            filtered: (0..<queryCount).map {
                SearchRequest(nearest: probes[$0], metric: .cosine, filter: filters[$0].query, limit: Self.searchLimit)
            })
        let exact = try s10ExactSearch(data, python: python)
        return exact.results + (try s10IndexedSearch(data, exact: exact, python: python))
    }

    /// S10 and S10f: exact search on a store without a vector index, beside NumPy.
    private func s10ExactSearch(_ data: VectorData, python: String) throws -> ExactVectorSearch {
        let (count, queryCount, k) = (data.count, data.queryCount, Self.searchLimit)
        let (vectors, probes) = (data.vectors, data.probes)
        let path = directory + "/s10-vectors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (graph, load) = try loadVectorStore(data, at: path, lmdb: lmdb)
        defer { graph.close() }

        // The answers first: MemoryGraph's, then the twin's (which times its queries as it runs).
        let mine = (
            unfiltered: try answers(graph, data.unfiltered, data), filtered: try answers(graph, data.filtered, data)
        )
        let outcome = try NumPyTwin(python: python, directory: directory)
            .run(vectors: vectors, queries: probes, masks: data.masks, k: k, repetitions: repetitions)
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
                (0..<queryCount).map { vectors.nearest(probes[$0], among: data.kept[$0], k: k) }
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

        let (unfiltered, filtered) = (data.unfiltered, data.filtered)
        let mineUnfiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(unfiltered[index]) }
        let mineFiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(filtered[index]) }
        let numpy = try? outcome.get()
        let title = "vector search, exact, cosine, top \(k) of \(count) × \(vectors.dimension)"
        var first = ScenarioResult(
            id: "S10", title: title, memoryGraph: mineUnfiltered, baselineName: "NumPy brute force",
            baseline: numpy?.unfiltered.measurement)
        let loadRate = Double(count) / load.seconds
        let bytes = diskBytes(path)
        first.detail = String(
            format: "S10 answers: %d queries a repetition (at most 100); MemoryGraph's top %d = %@ on every query "
                + "(%d differing only where the exact scores tie to 1e-6); S4's filter keeps %.1f vectors a query on average · %@ · "
                + "load of its store: %.0f nodes/s, %@", queryCount, k, numpy == nil ? "the brute force's" : "NumPy's",
            nearTies, data.meanKept, twinDetail, loadRate, sizeText(bytes))
        let second = ScenarioResult(
            id: "S10f", title: "vector search with S4's filter, exact, cosine, top \(k)", memoryGraph: mineFiltered,
            baselineName: "NumPy brute force", baseline: numpy?.filtered.measurement)
        return ExactVectorSearch(
            results: [first, second], answers: reference, source: numpy == nil ? "the brute force's" : "NumPy's",
            loadRate: loadRate, bytes: bytes)
    }

    /// A new store at `path` holding `data`'s nodes with their vectors, added in batches of 1 000,
    /// and the time that took (one operation a batch). Every 10 % of the nodes is logged when
    /// `progress` names the load.
    func loadVectorStore(_ data: VectorData, at path: String, lmdb: LMDBConfiguration, progress: String? = nil)
        throws -> (MemoryGraph, Measurement)
    {
        var options = configuration(caching: true)
        options.embeddingDimension = data.vectors.dimension
        let graph = try MemoryGraph(path: path, configuration: options, lmdb: lmdb)
        let batches = stride(from: 0, to: data.count, by: 1_000).map { $0..<min($0 + 1_000, data.count) }
        let step = max(1, batches.count / 10)
        let start = Date()
        do {
            let load = try Measurement.time(batches.count) { batch in
                _ = try graph.addNodes(
                    batches[batch].map { index in
                        // The filter's fields, without the summary: this store is for vectors.
                        let node = data.nodes[index]
                        return NodeDraft(
                            id: node.id, agentID: node.agent, taskContext: node.context,
                            result: ["type": .string(node.type), "confidence_score": .double(node.confidence)],
                            timestamp: node.timestamp, embedding: data.vectors[index])
                    })
                if let progress, (batch + 1) % step == 0 {
                    let seconds = Date().timeIntervalSince(start)
                    FileHandle.standardError.write(
                        Data(
                            String(
                                format: "%@: %d of %d nodes in %.0f s (%.0f nodes/s)\n", progress,
                                batches[batch].upperBound, data.count, seconds,
                                Double(batches[batch].upperBound) / seconds
                            ).utf8))
                }
            }
            return (graph, load)
        } catch {
            graph.close()
            throw error
        }
    }

    /// The rows `graph` answers each of `requests` with, best first.
    func answers(_ graph: MemoryGraph, _ requests: [SearchRequest], _ data: VectorData) throws -> [[Int]] {
        try requests.map { request in
            try awaitFromThread { try await graph.search(request) }.map { data.rows[$0.node.id] ?? -1 }
        }
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
