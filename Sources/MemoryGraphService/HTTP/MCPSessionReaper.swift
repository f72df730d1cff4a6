import ServiceLifecycle

/// Ends idle MCP sessions every few seconds, and every session when the service shuts down.
struct MCPSessionReaper: Service {
    let sessions: MCPHTTPSessions
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await sessions.endIdleSessions()
        }
        await sessions.endAll()
    }
}
