import Dispatch
import Foundation
import LMDB
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// Runs the reference scenarios S1–S8 on MemoryGraph and, when asked, on SQLite.
final class BenchRun {
    let workload: Workload
    let directory: String
    let reads: Int
    let queries: Int
    let repetitions: Int
    /// The run's seed, which S9 and S10 draw their data and queries from.
    let seed: UInt64
    let twin: SQLiteTwin?
    /// ``LMDBConfiguration/groupCommitWindow`` when given; the library's default otherwise.
    let groupCommitWindow: Double?
    private var random: SplitMix64

    var graphPath: String { directory + "/memory-graph.lmdb" }

    init(
        workload: Workload, directory: String, reads: Int, queries: Int, repetitions: Int, compare: Bool, seed: UInt64,
        groupCommitWindow: Double? = nil
    ) throws {
        self.workload = workload
        self.directory = directory
        self.reads = reads
        self.queries = queries
        self.repetitions = repetitions
        self.seed = seed
        twin = compare ? try SQLiteTwin(path: directory + "/sqlite.db") : nil
        random = SplitMix64(seed: seed ^ 0x5EED)
        self.groupCommitWindow = groupCommitWindow
    }

    /// The LMDB options of the benchmark: commits as durable as SQLite's WAL with
    /// `synchronous = NORMAL` (a system crash may lose the last commit, never consistency).
    var lmdb: LMDBConfiguration {
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noMetaSync
        if let groupCommitWindow { lmdb.groupCommitWindow = groupCommitWindow }
        return lmdb
    }

    /// The graph options of the benchmark.
    func configuration(caching: Bool) -> MemoryGraph.Configuration {
        var configuration = MemoryGraph.Configuration()
        configuration.enableCaching = caching
        configuration.cacheMaxSize = 20_000
        configuration.enableMetrics = false
        configuration.maxNodesPerBundle = 50
        return configuration
    }

    func repeated(_ count: Int, _ operation: (Int) throws -> Void) throws -> Measurement {
        try warmUp(count, operation)
        return Measurement.median(try (0..<repetitions).map { _ in try Measurement.time(count, operation) })
    }

    /// One repetition of `count` operations, after a warm-up.
    private func timedAfterWarmUp(_ count: Int, _ operation: (Int) throws -> Void) throws -> Measurement {
        try warmUp(count, operation)
        return try Measurement.time(count, operation)
    }

    /// ``repeated(_:_:)`` for operations that suspend: the warm-up and every repetition in one
    /// task, which this thread waits for.
    func repeatedAwaiting(_ count: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) throws
        -> Measurement
    {
        let repetitions = repetitions
        return try awaitFromThread {
            for index in 0..<max(1, count / 10) { try await operation(index) }
            var runs: [Measurement] = []
            for _ in 0..<repetitions { runs.append(try await Measurement.time(count, awaiting: operation)) }
            return Measurement.median(runs)
        }
    }

    /// Runs a tenth of the `count` operations (at least one), untimed.
    private func warmUp(_ count: Int, _ operation: (Int) throws -> Void) throws {
        for index in 0..<max(1, count / 10) { try operation(index) }
    }

    // MARK: Scenarios

    func s1Load() throws -> ScenarioResult {
        let batch = 1_000
        let batches = stride(from: 0, to: workload.nodes.count, by: batch).map {
            workload.nodes[$0..<min($0 + batch, workload.nodes.count)]
        }
        let graph = try MemoryGraph(path: graphPath, configuration: configuration(caching: false), lmdb: lmdb)
        defer { graph.close() }
        var mine = try Measurement.time(batches.count) { index in
            _ = try graph.addNodes(batches[index].map(\.draft))
        }
        mine.operations = workload.nodes.count
        for bundle in workload.bundles {
            try graph.createBundle(taskID: bundle.taskID, contexts: [bundle.context], nodeIDs: bundle.nodes)
        }
        var theirs = try twin.map { twin in try Measurement.time(batches.count) { try twin.insert(batches[$0]) } }
        theirs?.operations = workload.nodes.count
        return ScenarioResult(id: "S1", title: "bulk load (nodes/s)", memoryGraph: mine, baseline: theirs)
    }

    func s2Cold() throws -> ScenarioResult {
        let ids = (0..<reads).map { _ in workload.nodes[Int.random(in: 0..<workload.nodes.count, using: &random)].id }
        let keys = ids.map(\.bytes)
        // The sides take turns in every repetition, in an order that rotates, so that a slow
        // moment of the machine weighs on each alike. The graph and the raw environment are
        // never open at once (one process must not open an LMDB file twice), and each is opened
        // afresh for its turn; the SQLite connection stays open with its page cache.
        var mine: [Measurement] = []
        var theirs: [Measurement] = []
        var raw: [Measurement] = []
        var sides: [() throws -> Void] = [
            {
                let graph = try MemoryGraph(
                    path: self.graphPath, configuration: self.configuration(caching: false), lmdb: self.lmdb)
                defer { graph.close() }
                mine.append(
                    try self.timedAfterWarmUp(self.reads) { index in
                        guard try graph.node(ids[index]) != nil else {
                            throw AnswerMismatch(description: "S2c: a node is missing")
                        }
                    })
            },
            { raw.append(try self.rawReads(keys)) },
        ]
        if let twin {
            sides.append {
                theirs.append(
                    try self.timedAfterWarmUp(self.reads) { index in
                        guard try twin.node(ids[index]) else {
                            throw AnswerMismatch(description: "S2c: SQLite misses a node")
                        }
                    })
            }
        }
        for repetition in 0..<repetitions {
            for turn in 0..<sides.count { try sides[(repetition + turn) % sides.count]() }
        }
        return ScenarioResult(
            id: "S2c", title: "point reads, cache off", memoryGraph: Measurement.median(mine),
            baseline: twin == nil ? nil : Measurement.median(theirs), rawLMDB: Measurement.median(raw))
    }

    /// The floor: `mdb_get` on the same keys in a read transaction each, no decoding; one
    /// repetition.
    private func rawReads(_ keys: [[UInt8]]) throws -> Measurement {
        var options = Environment.Options()
        options.readOnly = true
        options.maximumDatabases = 32
        let environment = try Environment.open(path: graphPath, options: options)
        defer { environment.close() }
        let nodes = try environment.openDatabase("nodes")
        return try timedAfterWarmUp(keys.count) { index in
            let found = try environment.read { txn in
                try txn.withValue(forKey: keys[index], in: nodes) { $0?.count ?? 0 }
            }
            guard found > 0 else { throw AnswerMismatch(description: "S2c: raw LMDB misses a node") }
        }
    }

    func s2Hot() throws -> ScenarioResult {
        let hot = (0..<10_000).map { _ in workload.nodes[Int.random(in: 0..<workload.nodes.count, using: &random)].id }
        let ids = (0..<reads).map { _ in hot[Int.random(in: 0..<hot.count, using: &random)] }
        let graph = try MemoryGraph(path: graphPath, configuration: configuration(caching: true), lmdb: lmdb)
        defer { graph.close() }
        for id in hot { _ = try graph.node(id) }
        let mine = try repeated(reads) { index in
            guard try graph.node(ids[index]) != nil else { throw AnswerMismatch(description: "S2h: a node is missing") }
        }
        let theirs = try twin.map { twin in
            try repeated(reads) { index in
                guard try twin.node(ids[index]) else { throw AnswerMismatch(description: "S2h: SQLite misses a node") }
            }
        }
        return ScenarioResult(id: "S2h", title: "point reads, hot set, cache on", memoryGraph: mine, baseline: theirs)
    }

    func s3Recall() throws -> ScenarioResult {
        let pairs = (0..<queries).map { _ -> (String, String) in
            let node = workload.nodes[Int.random(in: 0..<workload.nodes.count, using: &random)]
            return (node.agent, node.context)
        }
        let graph = try MemoryGraph(path: graphPath, configuration: configuration(caching: true), lmdb: lmdb)
        defer { graph.close() }
        if let twin {
            for (agent, context) in pairs {
                let mine = try graph.recall(agentID: agent, taskContext: context, limit: 50).map(\.id)
                guard try mine == twin.recall(agent: agent, context: context, limit: 50) else {
                    throw AnswerMismatch(description: "S3: the engines disagree on \(agent) × \(context)")
                }
            }
        }
        let mine = try repeated(queries) { index in
            _ = try graph.recall(agentID: pairs[index].0, taskContext: pairs[index].1, limit: 50)
        }
        let theirs = try twin.map { twin in
            try repeated(queries) { index in
                _ = try twin.recall(agent: pairs[index].0, context: pairs[index].1, limit: 50)
            }
        }
        return ScenarioResult(id: "S3", title: "recall (agent, context), limit 50", memoryGraph: mine, baseline: theirs)
    }

    func s4Query() throws -> ScenarioResult {
        let filters = (0..<queries).map { _ in S4Filter.draw(from: workload, using: &random) }
        let prepared = filters.map(\.query)
        let graph = try MemoryGraph(path: graphPath, configuration: configuration(caching: true), lmdb: lmdb)
        defer { graph.close() }
        if let twin {
            for (index, filter) in filters.enumerated() {
                let theirs = try twin.query(filter, limit: 100)
                guard try graph.query(prepared[index]).nodes.map(\.id) == theirs else {
                    throw AnswerMismatch(description: "S4: the engines disagree on query \(index)")
                }
            }
        }
        let mine = try repeated(filters.count) { index in _ = try graph.query(prepared[index]) }
        let theirs = try twin.map { twin in
            try repeated(filters.count) { index in _ = try twin.query(filters[index], limit: 100) }
        }
        return ScenarioResult(
            id: "S4", title: "3 agents × 5 contexts × 7 days × conf ≥ 0.8, limit 100", memoryGraph: mine,
            baseline: theirs)
    }

    func s5Neighbors() throws -> ScenarioResult {
        let starts = (0..<queries).map { _ in
            workload.nodes[Int.random(in: 0..<workload.nodes.count, using: &random)].id
        }
        let graph = try MemoryGraph(path: graphPath, configuration: configuration(caching: true), lmdb: lmdb)
        defer { graph.close() }
        if let twin {
            for start in starts {
                let mine = Set(try graph.neighbors(of: start, direction: .outgoing, depth: 2, limit: 100_000).map(\.id))
                guard try mine == twin.neighbors(of: start) else {
                    throw AnswerMismatch(description: "S5: the engines disagree on the neighbourhood of \(start)")
                }
            }
        }
        let mine = try repeated(starts.count) { index in
            _ = try graph.neighbors(of: starts[index], direction: .outgoing, depth: 2, limit: 100_000)
        }
        let theirs = try twin.map { twin in
            try repeated(starts.count) { index in _ = try twin.neighbors(of: starts[index]) }
        }
        return ScenarioResult(id: "S5", title: "2-hop out-neighbourhood", memoryGraph: mine, baseline: theirs)
    }

    /// Durable writes from 64 concurrent producers: per-write commit against group commit. The
    /// "SQLite" column holds the per-write figures, so the ratio is the group-commit gain.
    ///
    /// The two stores are open side by side and take turns in every repetition, in an order that
    /// alternates, so that the disk's sync time, which drifts over minutes, weighs on both alike.
    func s7DurableWrites(rounds: Int) throws -> ScenarioResult {
        func open(_ strategy: MemoryGraph.IndexUpdateStrategy) throws -> (graph: MemoryGraph, path: String) {
            let path = directory + "/s7-\(strategy.rawValue)"
            var options = lmdb
            options.durability = .full
            options.indexUpdateStrategy = strategy
            return (try MemoryGraph(path: path, configuration: configuration(caching: false), lmdb: options), path)
        }
        var stores: [(graph: MemoryGraph, path: String)] = []
        defer {
            for store in stores {
                store.graph.close()
                try? FileManager.default.removeItem(atPath: store.path)
            }
        }
        for strategy in [MemoryGraph.IndexUpdateStrategy.immediate, .batch] { stores.append(try open(strategy)) }
        // 64 producers at once through the async API: none of them holds a thread while it
        // waits for its commit, so the 64 writes can share commits.
        func round(_ number: Int, of graph: MemoryGraph) throws {
            let failures = SharedCounter()
            let done = DispatchSemaphore(value: 0)
            Task {
                await withTaskGroup(of: Void.self) { group in
                    for producer in 0..<64 {
                        group.addTask {
                            do {
                                try await graph.addNode(
                                    agentID: "producer-\(producer)", taskContext: "s7",
                                    result: ["round": .int(number)])
                            } catch {
                                failures.increment()
                            }
                        }
                    }
                }
                done.signal()
            }
            done.wait()
            guard failures.value == 0 else { throw AnswerMismatch(description: "S7: writes failed") }
        }
        var runs: [[Measurement]] = [[], []]
        for store in stores { for number in 0..<max(1, rounds / 10) { try round(number, of: store.graph) } }
        for repetition in 0..<repetitions {
            for turn in 0..<stores.count {
                let side = (repetition + turn) % stores.count
                var measurement = try Measurement.time(rounds) { try round($0, of: stores[side].graph) }
                measurement.operations = rounds * 64
                runs[side].append(measurement)
            }
        }
        let perWrite = Measurement.median(runs[0])
        let grouped = Measurement.median(runs[1])
        return ScenarioResult(
            id: "S7", title: "64 producers, durable writes: group commit", memoryGraph: grouped,
            baselineName: "per-write commit", baseline: perWrite)
    }
}
