import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryTracing
import Logging
import MemoryGraph
import MemoryGraphCore
import MemoryGraphService
import MemoryGraphTesting
import Metrics
import NIOCore
import Prometheus
import Testing
import Tracing

/// The service's application in process (HummingbirdTesting): tokens decide the agent and
/// scope, every failure is a JSON error, and operations show in metrics and traces.
@Suite struct ServiceApplicationTests {
    let graph: MemoryGraph
    let registry = PrometheusCollectorRegistry()
    var tokens = TokenStore()
    let writer: String
    let reader: String

    init() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.metricsFactory = PrometheusMetricsFactory(registry: registry)
        graph = try MemoryGraph.inMemory(configuration: configuration)
        writer = tokens.add(AgentCredential(agentID: "planner"))
        reader = tokens.add(AgentCredential(agentID: "critic", scope: ReadScope(contexts: ["shared"]), readOnly: true))
    }

    func application() -> some ApplicationProtocol {
        ServiceApplication.make(
            graph: graph, configuration: ServiceConfiguration(access: .tokens(tokens)), metrics: registry,
            logger: Logger(label: "test"))
    }

    func post(_ client: some TestClientProtocol, _ path: String, token: String?, _ body: JSONValue) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: try body.jsonString()))
    }

    func json(_ response: TestResponse) throws -> JSONValue {
        try JSONValue(jsonData: Data(response.body.readableBytesView))
    }

    @Test func tokensDecideTheAgentAndTheScope() async throws {
        try await application().test(.router) { client in
            let written = try await post(
                client, "/v1/nodes", token: writer, ["context": "private", "result": ["x": 1]])
            #expect(written.status == .created)
            let id = try #require(try json(written)["id"]?.stringValue)
            #expect(try await graph.node(try #require(NodeID(id)))?.agentID == "planner")

            let anonymous = try await post(client, "/v1/nodes", token: nil, ["context": "c", "result": [:]])
            #expect(anonymous.status == .unauthorized)
            #expect(try json(anonymous)["error"]?["code"] == "unauthorized")
            let forged = try await post(
                client, "/v1/nodes", token: "mg_" + String(writer.dropFirst(3).reversed()),
                [
                    "context": "c", "result": [:],
                ])
            #expect(forged.status == .unauthorized)

            let impersonating = try await post(
                client, "/v1/nodes", token: writer, ["context": "c", "result": [:], "agent_id": "critic"])
            #expect(impersonating.status == .forbidden)
            #expect(try json(impersonating)["error"]?["code"] == "permissionDenied")
            let readOnly = try await post(client, "/v1/nodes", token: reader, ["context": "shared", "result": [:]])
            #expect(readOnly.status == .forbidden)

            let hidden = try await client.execute(
                uri: "/v1/nodes/\(id)", method: .get, headers: [.authorization: "Bearer \(reader)"])
            #expect(hidden.status == .notFound)
            #expect(try json(hidden)["error"]?["code"] == "nodeNotFound")
            #expect(try await graph.statistics().nodes == 1)
        }
    }

    /// Each endpoint once, in the order an agent would use them, with the status and the
    /// result it must give.
    @Test func everyEndpoint() async throws {
        try await application().test(.router) { client in
            func send(
                _ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil,
                status: HTTPResponse.Status = .ok
            )
                async throws -> JSONValue
            {
                var headers: HTTPFields = [.authorization: "Bearer \(writer)", .contentType: "application/json"]
                if method == .patch { headers[.ifMatch] = "\"1\"" }
                let response = try await client.execute(
                    uri: path, method: method, headers: headers,
                    body: try body.map { ByteBuffer(string: try $0.jsonString()) })
                #expect(response.status == status, "\(method) \(path): \(String(buffer: response.body))")
                return response.body.readableBytes == 0 ? .null : try json(response)
            }
            let first = try #require(
                try await send(.post, "/v1/nodes", ["context": "c", "result": ["type": "plan"]], status: .created)[
                    "id"]?.stringValue)
            let batch = try await send(
                .post, "/v1/nodes", ["nodes": [["context": "c", "result": ["n": 1], "links": [.string(first)]]]],
                status: .created)
            let second = try #require(batch["nodes"]?[0]?["id"]?.stringValue)
            #expect(try await send(.get, "/v1/nodes/\(first)")["result"] == ["type": "plan"])
            #expect(try await send(.patch, "/v1/nodes/\(first)", ["metadata": ["k": 1]])["version"] == 2)
            #expect(try await send(.get, "/v1/nodes/\(first)/history")["versions"]?.arrayValue?.count == 2)
            #expect(
                try await send(.get, "/v1/nodes/\(first)/neighbors?direction=in")["neighbors"]?[0]?["id"]
                    == .string(second))
            #expect(try await send(.get, "/v1/recall?context=c&limit=1")["nodes"]?[0]?["id"] == .string(second))
            #expect(try await send(.post, "/v1/query", ["types": ["plan"]])["nodes"]?.arrayValue?.count == 1)
            #expect(try await send(.delete, "/v1/links?from=\(second)&to=\(first)")["changed"] == true)
            #expect(
                try await send(.put, "/v1/links", ["from": .string(second), "to": .string(first)])["changed"] == true)
            let bundle = try await send(
                .post, "/v1/bundles", ["task_id": "t", "node_ids": [.string(first)]], status: .created)
            let bundleID = try #require(bundle["id"]?.stringValue)
            #expect(
                try await send(.post, "/v1/bundles/\(bundleID)/nodes", ["node_ids": [.string(second)]])["node_ids"]?
                    .arrayValue?.count == 2)
            #expect(try await send(.get, "/v1/bundles/\(bundleID)")["task_id"] == "t")
            #expect(try await send(.get, "/v1/bundles?task=t")["bundles"]?.arrayValue?.count == 1)
            #expect(try await send(.get, "/v1/changes?after=0&limit=2")["last_sequence"] == 2)
            #expect(try await send(.get, "/v1/stats")["nodes"] == 2)
            #expect(try await send(.delete, "/v1/nodes/\(second)")["removed"] == true)
            _ = try await send(.get, "/v1/nodes/\(second)", status: .notFound)
            #expect(try await send(.get, "/health")["status"] == "ok")
            let document = try await client.execute(uri: "/v1/openapi.yaml", method: .get)
            #expect(String(buffer: document.body).hasPrefix("openapi: 3.1"))
        }
    }

    @Test func operationsAreCountedAndTraced() async throws {
        let tracer = W3CTestTracer()
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await withTracer(tracer) {
            try await withMetricsFactory(PrometheusMetricsFactory(registry: registry)) {
                try await application().test(.router) { client in
                    let response = try await client.execute(
                        uri: "/v1/query", method: .post,
                        headers: [
                            .authorization: "Bearer \(writer)", .contentType: "application/json",
                            HTTPField.Name("traceparent")!: "00-\(traceID)-00f067aa0ba902b7-01",
                        ], body: ByteBuffer(string: #"{"contexts": ["c"]}"#))
                    #expect(response.status == .ok)
                    let metrics = try await client.execute(uri: "/metrics", method: .get)
                    let text = String(buffer: metrics.body)
                    #expect(text.contains(#"memory_graph_operations_total{operation="query"} 1"#), "\(text)")
                    #expect(text.contains(#"hb_requests{http_route="/v1/query""#), "\(text)")
                }
            }
        }
        let spans = tracer.recorder.finishedSpans
        let tool = try #require(spans.first { $0.operationName == "memory-graph.query" })
        let request = try #require(spans.first { $0.kind == .server })
        #expect(tool.traceID == traceID && request.traceID == traceID)
        #expect(tool.parentSpanID == request.spanID)
        #expect(request.parentSpanID == "00f067aa0ba902b7")
    }
}
