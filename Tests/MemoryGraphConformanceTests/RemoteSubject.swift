import Foundation
import MemoryGraph
import MemoryGraphTesting

#if canImport(MemoryGraphClient)
    import Hummingbird
    import Logging
    import MemoryGraphClient
    import MemoryGraphService
    import Prometheus

    extension ConformanceSubject {
        /// The backends reached over a network.
        static let networked: [ConformanceSubject] = [.remoteLMDB]

        /// A ``RemoteGraphStore`` on a service of its own: each store starts `serve` in process, on a
        /// free loopback port, over an LMDB store in a temporary directory that follows the
        /// configuration given (its clock included). A store reopens as a new client of the same
        /// service, and shows the service's LMDB entries as its raw contents.
        static let remoteLMDB = ConformanceSubject("remote (LMDB)") { configuration in
            let path = NSTemporaryDirectory() + "memory-graph-conformance-" + UUID().uuidString
            let service = try await LiveService.start(path: path, configuration: configuration)
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

    /// `memory-graph serve` in this process: the service application over an LMDB store, with one
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

        /// Opens the store at `path` with `configuration` and serves it on a free port.
        static func start(path: String, configuration: MemoryGraph.Configuration) async throws -> LiveService {
            var lmdb = LMDBConfiguration()
            lmdb.durability = .noSync
            lmdb.indexUpdateStrategy = .batch
            let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
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
