#if canImport(MemoryGraphPostgres)
    import Dispatch
    import Foundation
    import Logging
    import MemoryGraph
    import MemoryGraphPostgres
    import MemoryGraphWorkload
    import NIOSSL
    import PostgresNIO
    import SeededRandom

    /// S1–S5 and S8 on the PostgreSQL backend, and S2–S4 also as the same SQL by hand
    /// (``PostgresRawSQL``) in the same run: the backend's overhead over raw SQL.
    ///
    /// The graph lives in schema ``schema`` of the server given, dropped before and after the run.
    /// Every answer of the backend is checked against raw SQL and against the LMDB graph of the same
    /// data before anything is timed.
    final class PostgresBench: Sendable {
        /// The schema the benchmark's graph lives in (the raw statements name it).
        static let schema = "memory_graph_bench"
        /// The label of the raw side.
        static let rawName = "raw SQL (prepared)"

        let workload: Workload
        let operations: Int
        let repetitions: Int
        let seed: UInt64
        let server: PostgresConfiguration
        /// The LMDB graph of the same data set, whose answers the backend's must equal.
        let lmdbPath: String

        init(
            workload: Workload, server: PostgresConfiguration, operations: Int, repetitions: Int, seed: UInt64,
            lmdbPath: String
        ) {
            self.workload = workload
            var server = server
            server.schema = Self.schema
            server.maximumConnections = 64
            self.server = server
            self.operations = operations
            self.repetitions = repetitions
            self.seed = seed
            self.lmdbPath = lmdbPath
        }

        /// Runs S1 and the `selected` scenarios of S2 (one: the backend keeps no cache), S3, S4, S5
        /// and S8.
        func run(_ selected: Set<String>, revisionsPerProducer: Int) async throws -> [ScenarioResult] {
            var configuration = PostgresClient.Configuration(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: Self.tls(server.tls))
            configuration.options.maximumConnections = 4
            let raw = PostgresClient(configuration: configuration)
            let pool = Task { await raw.run() }
            defer { pool.cancel() }
            let logger = Logger(label: "memory-graph-bench.postgres")
            try await raw.query("DROP SCHEMA IF EXISTS \(unescaped: Self.schema) CASCADE", logger: logger)

            var options = MemoryGraph.Configuration()
            options.enableCaching = false
            options.enableMetrics = false
            options.maxNodesPerBundle = 50
            let graph = try await MemoryGraph.postgres(server, configuration: options)
            var results: [ScenarioResult] = []
            do {
                results.append(try await load(graph))
                let lmdb = try MemoryGraph(path: lmdbPath, configuration: options)
                defer { lmdb.close() }
                let scenario = Scenario(graph: graph, raw: raw, lmdb: lmdb, logger: logger, bench: self)
                if selected.contains("S2c") || selected.contains("S2h") {
                    results.append(try await scenario.pointReads())
                }
                if selected.contains("S3") { results.append(try await scenario.recall()) }
                if selected.contains("S4") { results.append(try await scenario.query()) }
                if selected.contains("S5") { results.append(try await scenario.neighbors()) }
                if selected.contains("S8") {
                    results.append(try await scenario.compareAndSet(updatesPerProducer: revisionsPerProducer))
                }
            } catch {
                graph.close()
                _ = try? await raw.query("DROP SCHEMA IF EXISTS \(unescaped: Self.schema) CASCADE", logger: logger)
                throw error
            }
            graph.close()
            try await raw.query("DROP SCHEMA IF EXISTS \(unescaped: Self.schema) CASCADE", logger: logger)
            return results
        }

        /// S1: the data set in batches of 1 000 nodes, one transaction each, then its bundles.
        private func load(_ graph: MemoryGraph) async throws -> ScenarioResult {
            let batch = 1_000
            let batches = stride(from: 0, to: workload.nodes.count, by: batch).map {
                workload.nodes[$0..<min($0 + batch, workload.nodes.count)].map(\.draft)
            }
            var measurement = try await Measurement.time(batches.count) { index in
                _ = try await graph.addNodes(batches[index])
            }
            measurement.operations = workload.nodes.count
            for bundle in workload.bundles {
                try await graph.createBundle(taskID: bundle.taskID, contexts: [bundle.context], nodeIDs: bundle.nodes)
            }
            return ScenarioResult(id: "S1", title: "bulk load (nodes/s)", memoryGraph: measurement)
        }

        private static func tls(_ mode: PostgresConfiguration.TLSMode) -> PostgresClient.Configuration.TLS {
            switch mode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        }
    }
#endif
