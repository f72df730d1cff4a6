import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

extension BenchRun {
    /// The recall S10a and S10af should reach on the benchmark's data.
    static let recallGoal = 0.95

    /// S10a and S10af: S10's searches on a second store, which holds the same nodes and vectors
    /// with an HNSW index (``VectorIndexParameters``' defaults: cosine, M 16, efConstruction 100,
    /// ef 64) built as they are added. Its load rate and size are set beside the exact store's.
    ///
    /// - S10a: the unfiltered queries, which must walk the index (`explain` says
    ///   ``SearchPlan/Method/vectorIndex`` for each, or the run fails); their recall@10 against
    ///   the exact answers of S10.
    /// - S10af: the same queries with S4's filter: the method the planner chose for each (exact,
    ///   ``SearchPlan/Method/vectorFilterScan``, when the filter keeps few nodes) and their recall.
    /// - S10ab: the same queries with a broad filter each (``BroadFilter``: about 45 % of the nodes
    ///   kept), so that the planner walks the index and checks the filter on every node it meets;
    ///   `explain` must say ``SearchPlan/Method/vectorIndex`` for every query whose filter keeps at
    ///   least the library's budget, max(1 000, N / 10), and the exact scan for the others (at
    ///   N = 2 000 the filters keep fewer than 1 000), or the run fails. Their recall@10 against a
    ///   brute force here over the rows each filter keeps.
    ///
    /// The twin is hnswlib (``HNSWLibTwin``), with the same M and efConstruction on one thread,
    /// compared at equal recall: the smallest `ef` of its ladder whose recall@10 is at least
    /// MemoryGraph's (unfiltered, then filtered). Without it, the rows have MemoryGraph's figures
    /// alone and the output says why.
    func s10IndexedSearch(_ data: VectorData, exact: ExactVectorSearch, python: String) throws -> [ScenarioResult] {
        let (count, queryCount, k) = (data.count, data.queryCount, Self.searchLimit)
        let parameters = VectorIndexParameters()
        let path = directory + "/s10-vector-index"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = lmdb
        options.vectorIndex = .hnsw(parameters)
        FileHandle.standardError.write(Data("S10a: loading \(count) nodes into a store with an HNSW index\n".utf8))
        let (graph, load) = try loadVectorStore(data, at: path, lmdb: options, progress: "S10a")
        defer { graph.close() }
        let loadRate = Double(count) / load.seconds
        let bytes = diskBytes(path)

        // The answers and plans first, then the timings.
        let mine = (
            unfiltered: try answers(graph, data.unfiltered, data), filtered: try answers(graph, data.filtered, data)
        )
        let recall = (
            unfiltered: Self.recall(mine.unfiltered, of: exact.answers.unfiltered),
            filtered: Self.recall(mine.filtered, of: exact.answers.filtered)
        )
        let plans = (unfiltered: try rankings(graph, data.unfiltered), filtered: try rankings(graph, data.filtered))
        let broad = BroadFilter.draws(data, seed: seed)
        let broadExact = (0..<queryCount).map { data.vectors.nearest(data.probes[$0], among: broad.kept[$0], k: k) }
        let broadRecall = Self.recall(try answers(graph, broad.requests, data), of: broadExact)
        let broadPlans = try rankings(graph, broad.requests)
        let budget = max(1_000, count / 10)  // the library's exactSearchBudget(vectors:)
        for (query, plan) in broadPlans.enumerated() {
            let expected: SearchPlan.Method = broad.kept[query].count >= budget ? .vectorIndex : .vectorFilterScan
            guard plan?.method != expected else { continue }
            throw AnswerMismatch(
                description: "S10ab: query \(query), whose broad filter keeps \(broad.kept[query].count) nodes (the "
                    + "walk's budget: \(budget)), was answered by \(plan.map(\.method.rawValue) ?? "no vector ranking"), "
                    + "not \(expected.rawValue)")
        }
        if let query = plans.unfiltered.firstIndex(where: { $0?.method != .vectorIndex }) {
            throw AnswerMismatch(
                description: "S10a: query \(query) without a filter was answered by "
                    + "\(plans.unfiltered[query].map(\.method.rawValue) ?? "no vector ranking"), not the vector index")
        }
        let (unfiltered, filtered) = (data.unfiltered, data.filtered)
        let mineUnfiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(unfiltered[index]) }
        let mineFiltered = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(filtered[index]) }
        let broadRequests = broad.requests
        let mineBroad = try repeatedAwaiting(queryCount) { index in _ = try await graph.search(broadRequests[index]) }

        let outcome = try HNSWLibTwin(python: python, directory: directory)
            .run(
                vectors: data.vectors, queries: data.probes, masks: data.masks, exact: exact.answers,
                broad: (broad.masks, broadExact), k: k,
                neighbors: parameters.neighbors, constructionBreadth: parameters.constructionBreadth,
                filteredTargets: [Self.recallGoal, recall.filtered], filteredBreadth: parameters.searchBreadth,
                repetitions: repetitions)
        let hnswlib = try? outcome.get()
        // At equal recall: the first ef reaching MemoryGraph's, else the best hnswlib reached.
        let compared = hnswlib.map { figures in
            (
                unfiltered: HNSWLibTwin.Figures.first(figures.unfiltered, reaching: recall.unfiltered)
                    ?? figures.unfiltered.max { $0.recall < $1.recall },
                filtered: HNSWLibTwin.Figures.first(figures.filtered, reaching: recall.filtered)
                    ?? figures.filtered.max { $0.recall < $1.recall }
            )
        }
        let twinDetail: String
        switch outcome {
        case .success(let figures):
            twinDetail = Self.describe(
                figures, compared: compared, recall: recall, count: count, parameters: parameters)
        case .failure(let skipped):
            FileHandle.standardError.write(Data("S10a: the hnswlib twin was skipped: \(skipped.reason)\n".utf8))
            twinDetail = "the hnswlib twin was skipped (\(skipped.reason))"
        }

        var first = ScenarioResult(
            id: "S10a",
            title: "vector search, HNSW index (ef \(parameters.searchBreadth)), cosine, top \(k) of \(count) × "
                + "\(data.vectors.dimension)",
            memoryGraph: mineUnfiltered,
            baselineName: compared?.unfiltered.map { "hnswlib, ef \($0.ef)" } ?? "hnswlib",
            baseline: compared?.unfiltered?.measurement)
        first.detail = String(
            format: "S10a answers: recall@%d %.3f without a filter (explain: %@), %.3f with S4's filter "
                + "(S10af; explain: %@), against %@ exact top %d; goal ≥ %.2f%@", k, recall.unfiltered,
            Self.describe(plans.unfiltered), recall.filtered, Self.describe(plans.filtered), exact.source, k,
            Self.recallGoal,
            min(recall.unfiltered, recall.filtered) < Self.recallGoal ? " — BELOW THE GOAL" : "")
        var second = ScenarioResult(
            id: "S10af",
            title: "vector search with S4's filter, store with the HNSW index, cosine, top \(k)",
            memoryGraph: mineFiltered,
            baselineName: compared?.filtered.map { "hnswlib + filter, ef \($0.ef)" } ?? "hnswlib + filter",
            baseline: compared?.filtered?.measurement)
        second.detail = String(
            format: "S10a/S10af: MemoryGraph's HNSW: cosine, M %d, efConstruction %d, ef %d; the store with it "
                + "loads at %.0f nodes/s, %@ (without it, S10's: %.0f nodes/s, %@): the index is built in every "
                + "add, its load is %.1f× slower · %@",
            parameters.neighbors, parameters.constructionBreadth, parameters.searchBreadth, loadRate, sizeText(bytes),
            exact.loadRate, sizeText(exact.bytes), exact.loadRate / max(loadRate, 1e-9), twinDetail)
        let broadCompared = hnswlib.flatMap { figures in
            HNSWLibTwin.Figures.first(figures.broad, reaching: broadRecall)
                ?? figures.broad.max { $0.recall < $1.recall }
        }
        var third = ScenarioResult(
            id: "S10ab",
            title: "vector search with a broad filter (~45 % kept), store with the HNSW index, cosine, top \(k)",
            memoryGraph: mineBroad,
            baselineName: broadCompared.map { "hnswlib + filter, ef \($0.ef)" } ?? "hnswlib + filter",
            baseline: broadCompared?.measurement)
        let keptCounts = broad.kept.map(\.count)
        let ladder: String
        switch outcome {
        case .success(let figures) where !figures.broad.isEmpty:
            let total = figures.broad.reduce(0.0) { $0 + $1.seconds }
            ladder =
                "hnswlib with the same filters (a set's __contains__, built before timing), every ef timed ("
                + String(format: "%.1f s in all", total) + "): "
                + figures.broad.map {
                    String(format: "ef %d %.3f %.0f q/s", $0.ef, $0.recall, $0.measurement.operationsPerSecond)
                }.joined(separator: ", ")
                + (broadCompared.map {
                    String(
                        format: "; at equal recall ef %d (recall %.3f%@)", $0.ef, $0.recall,
                        $0.recall + 1e-9 < broadRecall ? ", short of MemoryGraph's: its best" : "")
                } ?? "")
        case .success:
            ladder = "hnswlib wrote no figures for the broad filters"
        case .failure(let skipped):
            ladder = "the hnswlib twin was skipped (\(skipped.reason))"
        }
        third.detail = String(
            format: "S10ab answers: recall@%d %.3f with a broad filter per query (a random 32 of the 64 agents and "
                + "minConfidence drawn from 0…0.2: keeps %.1f %% of the %d nodes on average, %d…%d a query; the "
                + "index is walked from max(1 000, N / 10) = %d kept) (explain: %@), against a brute force's exact "
                + "top %d here over the kept rows; goal ≥ %.2f%@ · %@", k, broadRecall,
            100 * Double(keptCounts.reduce(0, +)) / Double(max(queryCount * count, 1)), count,
            keptCounts.min() ?? 0, keptCounts.max() ?? 0, budget, Self.describe(broadPlans), k, Self.recallGoal,
            broadRecall < Self.recallGoal ? " — BELOW THE GOAL" : "", ladder)
        return [first, second, third]
    }

    /// S10ab's filters: for each query, a random half of the agents (32 of 64) and a least
    /// confidence drawn from 0…0.2 (the data set's confidences are uniform in [0, 1)), so that
    /// each keeps about 45 % of the nodes (40 % to 50 %), drawn from the run's seed.
    struct BroadFilter {
        var agents: Set<String>
        var minimum: Double

        /// A filter for each of `data`'s queries, the rows each keeps, their masks (query-major,
        /// as ``VectorData/masks``) and the requests (top ``BenchRun/searchLimit`` by cosine).
        static func draws(_ data: VectorData, seed: UInt64) -> (
            requests: [SearchRequest], kept: [[Int]], masks: [UInt8]
        ) {
            var random = SplitMix64(seed: seed ^ 0x5E_C7_10AB)
            let filters = (0..<data.queryCount).map { _ in
                BroadFilter(
                    agents: Set(Workload.agents.shuffled(using: &random).prefix(Workload.agents.count / 2)),
                    minimum: Double(Int.random(in: 0...200, using: &random)) / 1_000)
            }
            let kept = filters.map { filter in
                data.nodes.indices.filter {
                    filter.agents.contains(data.nodes[$0].agent) && data.nodes[$0].confidence >= filter.minimum
                }
            }
            var masks = [UInt8](repeating: 0, count: data.queryCount * data.count)
            for (query, rows) in kept.enumerated() { for row in rows { masks[query * data.count + row] = 1 } }
            let requests = filters.enumerated().map { query, filter in
                var filterQuery = MemoryQuery()
                filterQuery.agentIDs = filter.agents
                filterQuery.minConfidence = filter.minimum
                return SearchRequest(
                    nearest: data.probes[query], metric: .cosine, filter: filterQuery, limit: BenchRun.searchLimit)
            }
            return (requests, kept, masks)
        }
    }

    /// The vector ranking `explain` reports for each of `requests` (`nil` for a plan without one).
    private func rankings(_ graph: MemoryGraph, _ requests: [SearchRequest]) throws -> [SearchPlan.Ranking?] {
        try requests.map { request in try awaitFromThread { try await graph.explain(request) }.vector }
    }

    /// Recall@k of `answers` against the `exact` answers: the share of the exact rows found, over
    /// every query (a query whose filter keeps no row weighs nothing); 1 when there are none.
    static func recall(_ answers: [[Int]], of exact: [[Int]]) -> Double {
        var found = 0
        var expected = 0
        for (mine, truth) in zip(answers, exact) {
            found += Set(truth).intersection(mine).count
            expected += truth.count
        }
        return expected == 0 ? 1 : Double(found) / Double(expected)
    }

    /// The methods of `plans`, how many queries took each, and the mean number of nodes scored:
    /// "vectorIndex on 100/100, 812 scored a query".
    static func describe(_ plans: [SearchPlan.Ranking?]) -> String {
        var methods: [String: Int] = [:]
        for plan in plans { methods[plan?.method.rawValue ?? "none", default: 0] += 1 }
        let scored = plans.compactMap { $0?.scored }
        let mean =
            scored.isEmpty
            ? "" : String(format: ", %.0f scored a query", Double(scored.reduce(0, +)) / Double(scored.count))
        return methods.sorted { $0.value > $1.value }.map { "\($0.key) on \($0.value)/\(plans.count)" }
            .joined(separator: ", ") + mean
    }

    /// hnswlib's side of the detail line: its build, the points compared, its figures at
    /// MemoryGraph's ef, and the first ef whose filtered recall reaches the goal.
    static func describe(
        _ figures: HNSWLibTwin.Figures,
        compared: (unfiltered: HNSWLibTwin.Point?, filtered: HNSWLibTwin.Point?)?,
        recall: (unfiltered: Double, filtered: Double), count: Int, parameters: VectorIndexParameters
    ) -> String {
        func point(_ point: HNSWLibTwin.Point?, against mine: Double) -> String {
            guard let point else { return "none" }
            return String(
                format: "ef %d, recall %.3f%@, %.0f q/s", point.ef, point.recall,
                point.recall + 1e-9 < mine ? String(format: " (short of MemoryGraph's %.3f: its best)", mine) : "",
                point.measurement.operationsPerSecond)
        }
        let sameBreadth = figures.unfiltered.first { $0.ef == parameters.searchBreadth }
        let atDefault = figures.filtered.first { $0.ef == parameters.searchBreadth }
        let reached: String
        if let goal = HNSWLibTwin.Figures.first(figures.filtered, reaching: recallGoal) {
            reached = String(
                format: "recall ≥ %.2f from ef %d (%.0f q/s)", recallGoal, goal.ef,
                goal.measurement.operationsPerSecond)
        } else {
            reached = String(
                format: "recall ≥ %.2f not reached up to ef %d (best %.3f)", recallGoal,
                figures.filteredRecalls.last?.ef ?? 0, figures.filteredRecalls.map(\.recall).max() ?? 0)
        }
        let short = figures.filtered.map(\.short).max() ?? 0
        return String(
            format: "%@, M %d, ef_construction %d, one thread, builds its index (in memory, vectors only) in "
                + "%.1f s (%.0f vectors/s); at equal recall: without a filter %@ (at MemoryGraph's ef %d: %@), "
                + "with S4's filter %@ "
                + "(its filter a Python callable over labels: a set's __contains__, built before timing); "
                + "with the filter at ef %d: %@; %@%@",
            figures.versions, parameters.neighbors, parameters.constructionBreadth, figures.buildSeconds,
            Double(count) / max(figures.buildSeconds, 1e-9),
            point(compared?.unfiltered, against: recall.unfiltered), parameters.searchBreadth,
            sameBreadth.map { String(format: "recall %.3f, %.0f q/s", $0.recall, $0.measurement.operationsPerSecond) }
                ?? "not measured",
            point(compared?.filtered, against: recall.filtered), parameters.searchBreadth,
            atDefault.map { String(format: "recall %.3f, %.0f q/s", $0.recall, $0.measurement.operationsPerSecond) }
                ?? "not measured",
            reached, short > 0 ? " (\(short) filtered queries found fewer neighbours than asked)" : "")
    }
}
