public import ArgumentParser
import Foundation
import Logging
import MemoryGraph
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `memory-graph serve (--path STORE | --backend lmdb:STORE|postgres://…) [--listen HOST:PORT]
/// [--tokens FILE | --agent AGENT]`: the REST API, MCP over HTTP, `/metrics` and `/health` for the
/// agents of a host or a network. Several instances may serve one PostgreSQL database.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the memory over HTTP: REST under /v1, MCP at /mcp, /metrics and /health.",
        discussion: """
            Every request needs Authorization: Bearer TOKEN with a token of --tokens (see memory-graph token \
            add); the token decides the agent, what it may read and whether it may write. Without --tokens the \
            service listens on loopback only and every request acts as --agent; the store endpoints (/v1/store), \
            which read and write the whole store as any agent, are closed then unless --store opens them. Prints "listening on \
            http://HOST:PORT" when ready; SIGTERM or SIGINT stops it after the requests in flight (at most 30 s).
            """)

    @OptionGroup var store: StoreLocationOptions
    @Option(help: "The address and port to listen on (port 0: any free one).") var listen = "127.0.0.1:8080"
    @Option(help: "The tokens file (see memory-graph token add).") var tokens: String?
    @Option(help: "Without --tokens: the agent every request acts as.") var agent: String?
    @Flag(
        name: .customLong("store"), help: "Without --tokens: open the store endpoints (/v1/store) to every request too."
    )
    var storeAccess = false
    @Option(help: "The largest request body in bytes (default: the payload limit and 64 KiB).")
    var maxBodySize: Int?
    @Option(name: .customLong("allow-host"), help: "A host /mcp accepts in Host and Origin (repeatable).")
    var allowedHosts: [String] = []
    @Option(help: "Seconds an idle MCP session lives.") var mcpIdleTimeout = 600
    @Option(help: "The least severe log level written to standard error.") var logLevel: Logger.Level = .notice

    /// The most seconds a graceful shutdown waits for requests in flight before it cancels them.
    static let gracefulShutdownLimit = 30

    public init() {}

    public func validate() throws {
        let (host, port) = try address()
        guard (0...65535).contains(port) else { throw ValidationError("--listen: the port must be 0 to 65535") }
        if tokens == nil, !ServiceConfiguration.isLoopback(host) {
            throw ValidationError(
                "--listen \(host) is not a loopback address: give --tokens so that every request needs a token")
        }
        if tokens == nil, agent == nil {
            throw ValidationError("give --tokens FILE, or --agent AGENT for a loopback service without tokens")
        }
        if tokens != nil, agent != nil { throw ValidationError("--agent is for a service without --tokens") }
        if tokens != nil, storeAccess {
            throw ValidationError("--store is for a service without --tokens; with tokens, token add --store grants it")
        }
        if let agent, agent.isEmpty || agent.utf8.count > Limits.maximumNameLength {
            throw ValidationError("--agent must be 1 to \(Limits.maximumNameLength) bytes")
        }
        if let maxBodySize, maxBodySize < 1024 { throw ValidationError("--max-body-size must be at least 1024") }
        guard mcpIdleTimeout > 0 else { throw ValidationError("--mcp-idle-timeout must be positive") }
    }

    func address() throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:8080; got \(listen)")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    public func run() async throws {
        ServiceLogging.bootstrap(level: logLevel)
        let logger = Logger(label: "memory-graph.serve")
        let registry = PrometheusCollectorRegistry()
        let metrics = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(metrics)

        let access: ServiceAccess
        if let tokens {
            let store = try TokenStore(contentsOf: tokens)
            if store.entries.isEmpty { logger.warning("the tokens file has no tokens: every request will be refused") }
            access = .tokens(store)
        } else {
            access = .fixed(AgentCredential(agentID: agent ?? "", storeAccess: storeAccess))
        }
        var graphConfiguration = MemoryGraph.Configuration()
        graphConfiguration.metricsFactory = metrics
        graphConfiguration.logger = Logger(label: "memory-graph")
        // Group commit: concurrent requests' writes share a commit; each still answers only
        // once the commit that holds it is durable.
        var lmdb = LMDBConfiguration()
        lmdb.indexUpdateStrategy = .batch
        let graph = try await store.location.open(configuration: graphConfiguration, lmdb: lmdb)
        defer { graph.close() }

        let (host, port) = try address()
        var configuration = ServiceConfiguration(access: access)
        configuration.host = host
        configuration.port = port
        if let maxBodySize { configuration.maximumBodySize = maxBodySize }
        if !allowedHosts.isEmpty { configuration.allowedHosts += allowedHosts }
        configuration.mcpIdleTimeout = .seconds(mcpIdleTimeout)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let application = ServiceApplication.make(
            graph: graph, configuration: configuration, metrics: registry, logger: logger,
            onServerRunning: { port in
                FileHandle.standardOutput.write(Data("listening on http://\(shownHost):\(port)\n".utf8))
            })
        var lifecycle = ServiceGroupConfiguration(
            services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        lifecycle.maximumGracefulShutdownDuration = .seconds(Self.gracefulShutdownLimit)
        let group = ServiceGroup(configuration: lifecycle)
        try await group.run()
        logger.notice("stopped; closing the store")
    }
}
