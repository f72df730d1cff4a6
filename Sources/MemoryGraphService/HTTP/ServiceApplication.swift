public import Hummingbird
public import Logging
public import MemoryGraph
import NIOCore
public import Prometheus
import Tracing

/// The service's HTTP application: REST under `/v1`, the store endpoints under `/v1/store`, MCP at
/// `/mcp`, `/metrics` and `/health`.
public enum ServiceApplication {
    /// The application over `graph`; `metrics` is the registry `/metrics` shows (the one the
    /// process's metrics go to). Run it in a `ServiceGroup`, or call `runService()`.
    public static func make(
        graph: MemoryGraph, configuration: ServiceConfiguration, metrics: PrometheusCollectorRegistry,
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let sessions = MCPHTTPSessions(
            graph: graph, allowedHosts: configuration.allowedHosts, idleTimeout: configuration.mcpIdleTimeout,
            maximumSessions: configuration.maximumMCPSessions, logger: logger)
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: TracingMiddleware())
        router.add(middleware: JSONErrorMiddleware())
        if case .fixed = configuration.access {
            router.add(middleware: LocalOriginCheck(allowedHosts: configuration.allowedHosts))
        }
        router.get("health") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("metrics") { _, _ in
            var text: [UInt8] = []
            metrics.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        let authentication = BearerAuthentication(access: configuration.access)
        let v1 = router.group("v1")
        v1.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
        v1.add(middleware: authentication)
        RESTRoutes(graph: graph, maximumBodySize: configuration.maximumBodySize).register(on: v1)
        StoreRoutes(store: graph.store, maximumBodySize: configuration.maximumStoreBodySize)
            .register(on: v1.group("store").add(middleware: StoreAccessCheck()))
        let mcp = MCPHTTPRoute(sessions: sessions, maximumBodySize: configuration.maximumBodySize)
        let mcpRoutes = router.group("mcp").add(middleware: authentication)
        for method in [HTTPRequest.Method.post, .get, .delete] { mcpRoutes.on("", method: method, use: mcp.handle) }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "memory-graph"),
            services: [MCPSessionReaper(sessions: sessions, interval: .seconds(5))],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
