import ArgumentParser
import Foundation
import MemoryGraph
import MemoryGraphWorkload

#if canImport(MemoryGraphPostgres)
    import MemoryGraphPostgres
#endif

/// `memory-graph-bench run`: the reference workload on MemoryGraph, and on SQLite side by side.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scenarios of the reference workload W(N, seed) and print ops/s and latency percentiles.")

    @Option(help: "Nodes in the data set.") var nodes = 100_000
    @Option(help: "The data set's seed.") var seed: UInt64 = 42
    @Option(
        help: """
            Scenarios to run, comma-separated (S1 always runs: it loads the data). Besides the default ones: S9 \
            (full-text search, S9 and S9f) and S10 (vector search: exact, S10 and S10f; on a store with an HNSW \
            index, S10a and S10af), each on a store of its own.
            """)
    var scenarios = "S1,S2c,S2h,S3,S4,S5,S7,S8,S11"
    @Option(help: "Directory for the stores (default: a temporary one, removed afterwards).") var path: String?
    @Option(help: "Write every figure to this JSON file.") var json: String?
    @Option(
        help: """
            Run the same scenarios on other engines, comma-separated: sqlite (beside every scenario), \
            postgres (S1–S5 and S8 on the PostgreSQL backend, beside raw SQL; needs a build with it: \
            make bench-postgres).
            """)
    var compare: String?
    @Option(
        help: """
            The PostgreSQL server of --compare postgres, as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE \
            (default: the one PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE name). The graph lives in \
            schema memory_graph_bench, dropped before and after the run.
            """)
    var postgres: String?
    @Option(help: "Operations per repetition of each scenario on PostgreSQL (S2–S5).") var postgresOperations = 5_000
    @Option(help: "Point reads per repetition in S2c and S2h.") var reads = 1_000_000
    @Option(help: "Queries per repetition in S3, S4 and S5.") var queries = 20_000
    @Option(help: "Timed repetitions; the median is reported.") var repetitions = 3
    @Option(help: "Rounds of 64 concurrent durable writes in S7.") var writeRounds = 20
    @Option(help: "Revisions per producer (of 64) in S8.") var revisions = 50
    @Option(help: "Changes delivered to each consumer in S11.") var feedChanges = 2_000
    @Option(help: "LMDBConfiguration.groupCommitWindow in seconds (default: the library's).")
    var groupCommitWindow: Double?
    @Option(help: "Components of each vector in S10.") var vectorDimension = 384
    @Option(
        help: """
            The Python, with NumPy and hnswlib, that runs S10's twins (Benchmarks/vectors/numpy_twin.py and \
            hnswlib_twin.py); default: $MEMORY_GRAPH_BENCH_PYTHON, else python3. Without them the twins are skipped.
            """)
    var python: String?

    func validate() throws {
        guard nodes >= 100 else { throw ValidationError("--nodes must be at least 100") }
        let unknown = engines.subtracting(["sqlite", "postgres"])
        guard unknown.isEmpty else {
            throw ValidationError(
                "--compare takes sqlite and postgres, not \(unknown.sorted().joined(separator: ", "))")
        }
        if engines.contains("postgres") { _ = try postgresServer() }
        guard (1...Embedding.maximumDimension).contains(vectorDimension) else {
            throw ValidationError("--vector-dimension must be from 1 to \(Embedding.maximumDimension)")
        }
        guard postgresOperations > 0 else { throw ValidationError("--postgres-operations must be positive") }
        guard reads > 0, queries > 0, repetitions > 0, writeRounds > 0, revisions > 0, feedChanges > 0 else {
            throw ValidationError(
                "--reads, --queries, --repetitions, --write-rounds, --revisions and --feed-changes must be positive")
        }
    }

    func run() throws {
        let directory = path ?? NSTemporaryDirectory() + "memory-graph-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if path == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let selected = Set(scenarios.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })

        log("generating W(\(nodes), \(seed))")
        let workload = Workload(count: nodes, seed: seed)
        let bench = try BenchRun(
            workload: workload, directory: directory, reads: reads, queries: queries, repetitions: repetitions,
            compare: engines.contains("sqlite"), seed: seed, groupCommitWindow: groupCommitWindow)
        var results: [ScenarioResult] = []
        let steps: [(String, () throws -> [ScenarioResult])] = [
            ("S1", { [try bench.s1Load()] }), ("S2c", { [try bench.s2Cold()] }), ("S2h", { [try bench.s2Hot()] }),
            ("S3", { [try bench.s3Recall()] }), ("S4", { [try bench.s4Query()] }),
            ("S5", { [try bench.s5Neighbors()] }),
            ("S7", { [try bench.s7DurableWrites(rounds: writeRounds)] }),
            ("S8", { [try bench.s8CompareAndSet(updatesPerProducer: revisions)] }),
            ("S9", { try bench.s9TextSearch() }),
            ("S10", { try bench.s10VectorSearch(dimension: vectorDimension, python: pythonInterpreter) }),
            ("S11", { try bench.s11ChangeFeedLatency(count: feedChanges) }),
        ]
        for (id, step) in steps where id == "S1" || selected.contains(id) {
            log("running \(id)")
            results += try step()
            // The load leaves hundreds of megabytes for the kernel to write back; flushed now,
            // that work does not land on whichever scenario is timed next.
            if id == "S1" { sync() }
        }
        let postgresResults = try engines.contains("postgres") ? comparePostgres(workload, selected, bench) : nil
        let report = BenchReport(
            nodes: nodes, seed: seed, scenarios: results, postgres: postgresResults,
            memoryGraphDiskBytes: diskBytes(bench.graphPath),
            sqliteDiskBytes: bench.twin.map { _ in
                diskBytes(directory + "/sqlite.db") + diskBytes(directory + "/sqlite.db-wal")
            },
            peakResidentBytes: peakResidentBytes())
        print(report.table)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// The Python that runs S10's twin.
    private var pythonInterpreter: String {
        python ?? ProcessInfo.processInfo.environment["MEMORY_GRAPH_BENCH_PYTHON"] ?? "python3"
    }

    /// The engines `--compare` names.
    private var engines: Set<String> {
        Set(
            (compare ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        )
    }

    #if canImport(MemoryGraphPostgres)
        /// The server of `--compare postgres`.
        private func postgresServer() throws -> PostgresConfiguration {
            if let postgres {
                do { return try PostgresConfiguration(url: postgres) } catch {
                    throw ValidationError("--postgres: \(error)")
                }
            }
            guard let server = PostgresTestServer.configuration else {
                throw ValidationError(
                    "--compare postgres needs a server: give --postgres URL, or set PGHOST, PGPORT, PGUSER …")
            }
            return server
        }

        /// S1–S5 and S8 on the PostgreSQL backend.
        private func comparePostgres(_ workload: Workload, _ selected: Set<String>, _ bench: BenchRun) throws
            -> [ScenarioResult]
        {
            log("running S1–S5 and S8 on PostgreSQL")
            let postgres = PostgresBench(
                workload: workload, server: try postgresServer(), operations: postgresOperations,
                repetitions: repetitions, seed: seed, lmdbPath: bench.graphPath)
            let revisions = revisions
            return try awaitFromThread { try await postgres.run(selected, revisionsPerProducer: revisions) }
        }
    #else
        /// Refuses `--compare postgres`: this build has no PostgreSQL backend.
        private func postgresServer() throws {
            throw ValidationError(
                "--compare postgres: this build has no PostgreSQL backend; build the benchmark with it (make bench-postgres)"
            )
        }

        /// Refuses `--compare postgres`: this build has no PostgreSQL backend.
        private func comparePostgres(_: Workload, _: Set<String>, _: BenchRun) throws -> [ScenarioResult] {
            try postgresServer()
            return []
        }
    #endif

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }
}
