import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MemoryGraph
import MemoryGraphClient
import MemoryGraphCore
import MemoryGraphService
import NIOCore
import Testing

/// The remote backend beyond the conformance suite: its errors, retries and the store
/// endpoints' access check.
@Suite("Client")
struct RemoteGraphStoreTests {
    static let credentials = [
        AgentCredential(agentID: "replica", storeAccess: true),
        AgentCredential(agentID: "mirror", readOnly: true, storeAccess: true),
        AgentCredential(agentID: "planner"),
    ]

    /// A graph on a remote store of `service`, with the token of `agent`.
    func graph(_ service: TestService, _ agent: String?, token: String? = nil) throws -> MemoryGraph {
        try MemoryGraph(store: RemoteGraphStore(url: service.url, token: token ?? agent.flatMap { service.tokens[$0] }))
    }

    @Test("a node crosses the wire exactly: integers and doubles, times, ids and versions")
    func exactRoundTrip() async throws {
        let service = try await TestService.start(Self.credentials)
        defer { service.stop() }
        let graph = try graph(service, "replica")
        defer { graph.close() }
        let result: JSONValue = [
            "type": "t", "int": 1, "double": 1.0, "negativeZero": .double(-0.0), "big": .int(.max),
            "tiny": .double(.leastNonzeroMagnitude), "third": .double(1.0 / 3), "nested": [[1, 2.5, "x", nil, true]],
        ]
        let id = try await graph.addNode(
            agentID: "a", taskContext: "c", result: result, metadata: ["m": 2.0],
            timestamp: Date(timeIntervalSince1970: 1_760_000_000.123_457), expiresAt: Date(timeIntervalSince1970: 4e9))
        let written = try #require(try await service.graph.node(id))
        #expect(try await graph.node(id) == written && written.result == result)
        let version = try await graph.updateNode(id, result: ["type": "t", "v": 2], expectedVersion: 1)
        let local = try #require(try await service.graph.node(id))
        #expect(try await graph.node(id) == local)
        #expect(version == 2 && local.version == 2)
        #expect(local.result["v"] == JSONValue.int(2) && local.metadata["m"] == JSONValue.double(2.0))
        #expect(try await graph.history(of: id) == (try await service.graph.history(of: id)))
    }

    @Test("wire values read back exactly as written")
    func wireValues() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let micros = Int64.random(in: -2_208_988_800_000_000..<4_102_444_800_000_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let bits = Double(bitPattern: UInt64.random(in: .min ... .max, using: &random))
            let value: JSONValue = bits.isFinite ? .double(bits) : .int(Int(micros))
            let node = MemoryNode(
                id: NodeID(), agentID: "a", taskContext: "c", result: ["x": value, "n": .int(Int(micros))],
                timestamp: date, version: 3, updatedAt: date, expiresAt: date)
            let text = try node.wire.jsonString()
            #expect(try MemoryNode(wire: WireFormat.parse(Array(text.utf8))) == node, "\(text)")
        }
        // An update's absent fields stay absent; a null result is a result.
        for update in [
            NodeUpdate(metadata: ["m": 1]), NodeUpdate(result: .null), NodeUpdate(result: [:], expiry: .never),
            NodeUpdate(expiry: .at(Date(timeIntervalSince1970: 4e9))),
        ] {
            let mutation = GraphMutation.updateNode(
                NodeID(), update, expectedVersion: 2, updatedAt: Date(timeIntervalSince1970: 7))
            #expect(try GraphMutation(wire: WireFormat.parse(Array(mutation.wire.jsonString().utf8))) == mutation)
        }
    }

    @Test("errors: 401, 403 and 404 keep their meaning; a refused connection is unavailable")
    func errors() async throws {
        let service = try await TestService.start(Self.credentials)
        defer { service.stop() }

        let unknown = try graph(service, nil, token: "mg_not-a-token")
        defer { unknown.close() }
        await expect(.permissionDenied) { try await unknown.statistics() }

        let agent = try graph(service, "planner")
        defer { agent.close() }
        await expect(.permissionDenied) { try await agent.statistics() }
        await expect(.permissionDenied) {
            try await agent.addNode(agentID: "a", taskContext: "c", result: [:])
        }

        let replica = try graph(service, "replica")
        defer { replica.close() }
        #expect(try await replica.node(NodeID()) == nil)
        await expect(.nodeNotFound) {
            try await replica.link(from: NodeID(), to: NodeID())
        }

        var configuration = RemoteGraphStore.Configuration()
        configuration.retryDelay = .milliseconds(1)
        configuration.requestTimeout = .seconds(5)
        // Nothing listens on port 1 of the loopback address: the connection is refused.
        let unreachable = try MemoryGraph(
            store: RemoteGraphStore(
                url: try #require(URL(string: "http://127.0.0.1:1")), token: "t", configuration: configuration))
        defer { unreachable.close() }
        do {
            _ = try await unreachable.statistics()
            Issue.record("a statistics call without a service succeeded")
        } catch let error as MemoryGraphError {
            #expect(error.code == .unavailable && error.underlyingError != nil, "\(error)")
        }
        await expect(.unavailable) {
            try await unreachable.addNode(agentID: "a", taskContext: "c", result: [:])
        }
    }

    @Test("a service without store endpoints is reported as unsupported")
    func olderService() async throws {
        let router = Router()
        router.get("health") { _, _ in "ok" }
        let (url, stop) = try await serve(router)
        defer { stop() }
        let graph = try MemoryGraph(store: RemoteGraphStore(url: url, token: "t"))
        defer { graph.close() }
        await expect(.unsupported) { try await graph.statistics() }
    }

    @Test("a store token that only reads reads, and its writes are refused")
    func readOnlyStoreToken() async throws {
        let service = try await TestService.start(Self.credentials)
        defer { service.stop() }
        let id = try await service.graph.addNode(agentID: "a", taskContext: "c", result: ["type": "t"])
        let mirror = try graph(service, "mirror")
        defer { mirror.close() }
        #expect(try await mirror.node(id) == (try await service.graph.node(id)))
        await expect(.readOnly) {
            try await mirror.addNode(agentID: "a", taskContext: "c", result: [:])
        }
    }

    @Test("a request that waits for a busy connection waits within its own timeout, not the connect timeout")
    func waitsForABusyConnection() async throws {
        let service = try await TestService.start(Self.credentials)
        defer { service.stop() }
        var configuration = RemoteGraphStore.Configuration()
        configuration.maximumConnections = 1
        configuration.connectTimeout = .milliseconds(500)
        configuration.maximumAttempts = 1
        let store = try RemoteGraphStore(
            url: service.url, token: service.tokens["replica"], configuration: configuration)
        let graph = try MemoryGraph(store: store)
        defer { graph.close() }
        let source = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "t"])
        let target = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "t"])
        let sequence = try await service.graph.changePage(after: 0).scannedThrough
        // A long poll holds the one connection for 3 s; a link (sent once: it is not repeatable)
        // queued behind it must wait, not fail after the 0.5 s connect timeout.
        async let poll: Void = store.waitForChanges(after: sequence, timeout: .seconds(3))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await graph.link(from: source, to: target))
        await poll
        #expect(try await service.graph.links(from: source) == [target])
    }

    @Test("an add whose answer was lost is sent again and stores the node once")
    func retriedAdd() async throws {
        let service = try await TestService.start(Self.credentials)
        defer { service.stop() }
        let proxy = try await DroppingProxy.start(to: service.url)
        defer { proxy.stop() }
        let graph = try MemoryGraph(store: RemoteGraphStore(url: proxy.url, token: service.tokens["replica"]))
        defer { graph.close() }

        let id = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "t"])
        #expect(proxy.forwarded == 2)
        #expect(try await service.graph.statistics().nodes == 1)
        #expect(try await service.graph.node(id)?.result == ["type": "t"])
        #expect(try await service.graph.changePage(after: 0).changes.map(\.kind) == [.nodeAdded])

        let version = try await graph.updateNode(id, result: ["type": "t", "n": 1], expectedVersion: 1)
        #expect(proxy.forwarded == 4)
        let stored = try await service.graph.node(id)
        #expect(version == 2 && stored?.version == 2)
    }
}

/// Expects `body` to throw a ``MemoryGraphError`` of `code`.
func expect(
    _ code: MemoryGraphError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> some Any
) async {
    do {
        _ = try await body()
        Issue.record("no error; expected \(code)", sourceLocation: sourceLocation)
    } catch {
        #expect((error as? MemoryGraphError)?.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}

/// Serves `router` on a free loopback port; returns its URL and how to stop it.
func serve<Context: RequestContext>(
    _ router: Router<Context>
) async throws -> (URL, @Sendable () -> Void) where Context.Source == ApplicationRequestContextSource {
    let (ports, port) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "memory-graph.client-tests.http")
    logger.logLevel = .critical
    let application = Application(
        router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: {
            port.yield($0.localAddress?.port ?? 0)
            port.finish()
        }, logger: logger)
    let task = Task {
        defer { port.finish() }
        try await application.runService(gracefulShutdownSignals: [])
    }
    var iterator = ports.makeAsyncIterator()
    guard let bound = await iterator.next(), let url = URL(string: "http://127.0.0.1:\(bound)") else {
        task.cancel()
        throw MemoryGraphError(.unavailable, "the server did not start")
    }
    return (url, { task.cancel() })
}
