import Foundation
import MemoryGraph
import MemoryGraphTesting

#if canImport(MemoryGraphClient)
    import Hummingbird
    import Logging
    import MemoryGraphClient
    import MemoryGraphPostgres
    import MemoryGraphService
    import Prometheus

    extension ConformanceSubject {
        /// The backends reached over a network: a service over LMDB, and one over PostgreSQL when
        /// a server is given.
        static var networked: [ConformanceSubject] {
            [.remoteLMDB] + (postgresSubjects.isEmpty ? [] : [.remotePostgres])
        }

        /// A ``RemoteGraphStore`` on a service of its own: each store starts `serve` in process, on a
        /// free loopback port, over an LMDB store in a temporary directory that follows the
        /// configuration given (its clock included). A store reopens as a new client of the same
        /// service, and shows the service's LMDB entries as its raw contents.
        static let remoteLMDB = ConformanceSubject("remote (LMDB)") { configuration in
            let path = NSTemporaryDirectory() + "memory-graph-conformance-" + UUID().uuidString
            var lmdb = LMDBConfiguration()
            lmdb.durability = .noSync
            lmdb.indexUpdateStrategy = .batch
            let service = try await LiveService.start(
                graph: try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb))
            let open: @Sendable () throws -> MemoryGraph = {
                try MemoryGraph(
                    store: RemoteGraphStore(url: service.url, token: service.token), configuration: configuration)
            }
            return ConformanceStore(
                graph: try open(), reopen: open, rawContents: { _ in try service.graph.rawLMDBContents() },
                cleanup: {
                    service.stop()
                    try? FileManager.default.removeItem(atPath: path)
                })
        }
    }

    extension ConformanceSubject {
        /// A ``RemoteGraphStore`` on a service of its own over a new schema of the PostgreSQL test
        /// server: `serve --backend postgres://…` in process. A store reopens as a new client.
        static let remotePostgres = ConformanceSubject("remote (PostgreSQL)") { configuration in
            var postgres = try PostgresTestServer.required()
            postgres.schema = "remote_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            postgres.maximumConnections = 4
            // Generous: a loaded CI machine runs many tests at once, and slowness is not failure here.
            postgres.connectTimeout = .seconds(120)
            postgres.operationTimeout = .seconds(300)
            let service = try await LiveService.start(
                graph: try await MemoryGraph.postgres(postgres, configuration: configuration))
            var client = RemoteGraphStore.Configuration()
            client.requestTimeout = .seconds(300)
            let open: @Sendable () throws -> MemoryGraph = { [client] in
                try MemoryGraph(
                    store: RemoteGraphStore(url: service.url, token: service.token, configuration: client),
                    configuration: configuration)
            }
            return ConformanceStore(graph: try open(), reopen: open, cleanup: { service.stop() })
        }
    }

    /// `memory-graph serve` in this process: the service application over a store, with one
    /// token that may use the store endpoints.
    final class LiveService: Sendable {
        /// The graph the service serves.
        let graph: MemoryGraph
        /// Where it listens.
        let url: URL
        /// A token with store access.
        let token: String
        private let task: Task<Void, any Error>

        private init(graph: MemoryGraph, url: URL, token: String, task: Task<Void, any Error>) {
            self.graph = graph
            self.url = url
            self.token = token
            self.task = task
        }

        /// Serves `graph` on a free port.
        static func start(graph: MemoryGraph) async throws -> LiveService {
            var tokens = TokenStore()
            let token = tokens.add(AgentCredential(agentID: "conformance", storeAccess: true))
            var service = ServiceConfiguration(access: .tokens(tokens))
            service.port = 0
            var logger = Logger(label: "memory-graph.conformance.service")
            logger.logLevel = .critical
            let (ports, port) = AsyncStream.makeStream(of: Int.self)
            let application = ServiceApplication.make(
                graph: graph, configuration: service, metrics: PrometheusCollectorRegistry(), logger: logger,
                onServerRunning: {
                    port.yield($0)
                    port.finish()
                })
            let task = Task {
                defer { port.finish() }
                try await application.runService(gracefulShutdownSignals: [])
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next(), let url = URL(string: "http://127.0.0.1:\(bound)") else {
                task.cancel()
                graph.close()
                throw MemoryGraphError(.unavailable, "the service did not start")
            }
            return LiveService(graph: graph, url: url, token: token, task: task)
        }

        /// Stops the service and closes its graph.
        func stop() {
            task.cancel()
            graph.close()
        }
    }
#else
    extension ConformanceSubject {
        /// No backend reached over a network: the service is not built.
        static let networked: [ConformanceSubject] = []
    }
#endif
