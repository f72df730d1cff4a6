/// How `memory-graph serve` listens and what it accepts.
public struct ServiceConfiguration: Sendable {
    /// The address to listen on. Default: 127.0.0.1 (loopback only).
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one. Default: 8080.
    public var port = 8080
    /// Who requests act for.
    public var access: ServiceAccess
    /// The largest request body, in bytes; a larger one is refused with 413. Default: 1 MiB
    /// and 64 KiB (the default payload limit, and room for the JSON around it).
    public var maximumBodySize = (1 << 20) + (64 << 10)
    /// The largest request body of the store endpoints (`/v1/store`), in bytes: a batch of
    /// mutations may carry many nodes. Default: 64 MiB.
    public var maximumStoreBodySize = 64 << 20
    /// The hosts `/mcp` accepts in `Host` and `Origin` (against DNS rebinding), as `host` (any
    /// port) or `host:port`. Default: localhost, 127.0.0.1 and [::1].
    public var allowedHosts = ["localhost", "127.0.0.1", "[::1]"]
    /// How long an MCP session may stay idle before it is ended. Default: 10 minutes.
    public var mcpIdleTimeout: Duration = .seconds(600)
    /// The most MCP sessions open at once. Default: 1 000.
    public var maximumMCPSessions = 1000

    /// A configuration with the defaults and `access`.
    public init(access: ServiceAccess) {
        self.access = access
    }

    /// Whether `host` is a loopback address (the only kind the service listens on without tokens).
    public static func isLoopback(_ host: String) -> Bool {
        if ["localhost", "::1", "[::1]"].contains(host) { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
