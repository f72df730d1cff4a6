import Foundation
import Hummingbird
import Logging
import MemoryGraph
import MemoryGraphService
import Prometheus

/// `memory-graph serve` in this process, over an LMDB store in a temporary directory, with a
/// token for each credential asked for.
final class TestService: Sendable {
    /// The graph the service serves.
    let graph: MemoryGraph
    /// Where it listens.
    let url: URL
    /// The tokens, by the agent of their credential.
    let tokens: [String: String]
    private let path: String
    private let task: Task<Void, any Error>

    private init(graph: MemoryGraph, url: URL, tokens: [String: String], path: String, task: Task<Void, any Error>) {
        self.graph = graph
        self.url = url
        self.tokens = tokens
        self.path = path
        self.task = task
    }

    /// Serves a new store on a free port, with a token for each of `credentials`.
    static func start(_ credentials: [AgentCredential]) async throws -> TestService {
        let path = NSTemporaryDirectory() + "memory-graph-client-" + UUID().uuidString
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        let graph = try MemoryGraph(path: path, configuration: configuration)
        var store = TokenStore()
        var tokens: [String: String] = [:]
        for credential in credentials { tokens[credential.agentID] = store.add(credential) }
        var service = ServiceConfiguration(access: .tokens(store))
        service.port = 0
        var logger = Logger(label: "memory-graph.client-tests.service")
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
        return TestService(graph: graph, url: url, tokens: tokens, path: path, task: task)
    }

    /// Stops the service, closes its graph and removes its store.
    func stop() {
        task.cancel()
        graph.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
