import Foundation
import Logging
import MCP
import MemoryGraph
import MemoryGraphTools

/// The MCP sessions of `/mcp` (Streamable HTTP): one SDK server and stateful transport per
/// client, created by its `initialize` request and bound to the token that made it. A request
/// for a session made with another token, or for an ended one, finds nothing (404). Sessions
/// idle for longer than the timeout are ended; one token holds at most
/// ``maximumSessionsPerPrincipal`` at once, so that no agent can take all of them.
actor MCPHTTPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        let principal: String
        var lastSeen: ContinuousClock.Instant
    }

    /// The most sessions one token holds at once.
    static let maximumSessionsPerPrincipal = 32

    private let graph: MemoryGraph
    private let validation: [any HTTPRequestValidator]
    private let idleTimeout: Duration
    private let maximumSessions: Int
    private let logger: Logger
    private var sessions: [String: Session] = [:]
    /// Sessions being started (their `initialize` in flight), by principal.
    private var starting: [String: Int] = [:]

    /// Sessions over `graph`; requests whose `Host` or `Origin` is not among `allowedHosts`
    /// (host or host:port) are refused, against DNS rebinding.
    init(graph: MemoryGraph, allowedHosts: [String], idleTimeout: Duration, maximumSessions: Int, logger: Logger) {
        self.graph = graph
        let hosts = allowedHosts.flatMap { host in
            host.contains(":") && !host.hasPrefix("[") ? [host] : [host, host + ":*"]
        }
        validation = [
            OriginValidator(
                allowedHosts: hosts, allowedOrigins: hosts.flatMap { ["http://\($0)", "https://\($0)"] }),
            AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(),
            SessionValidator(),
        ]
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
        self.logger = logger
    }

    /// Handles one request of a client acting with `credential`, presented by `principal`.
    func handle(_ request: HTTPRequest, credential: AgentCredential, principal: String) async -> HTTPResponse {
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id], session.principal == principal else {
                return .error(statusCode: 404, .invalidRequest("Session not found or ended; initialize a new one"))
            }
            session.lastSeen = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                sessions[id] = nil
                await session.server.stop()
            }
            return response
        }
        guard request.method.uppercased() == "POST", Self.isInitialize(request.body) else {
            return .error(
                statusCode: 400, .invalidRequest("Missing \(HTTPHeaderName.sessionID) header; send initialize first"))
        }
        let held = sessions.values.count { $0.principal == principal } + starting[principal, default: 0]
        guard sessions.count + starting.values.reduce(0, +) < maximumSessions,
            held < Self.maximumSessionsPerPrincipal
        else {
            return .error(
                statusCode: 503,
                .serverError(code: -32000, message: "Too many MCP sessions; end one (DELETE) or try again later"))
        }
        starting[principal, default: 0] += 1
        defer { starting[principal, default: 1] -= 1 }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: id),
            validationPipeline: StandardValidationPipeline(validators: validation),
            logger: logger)
        do {
            let toolbox = AgentToolbox(
                session: try graph.session(agent: credential.agentID, reading: credential.scope),
                readOnly: credential.isReadOnly)
            let server = await MCPToolServer.make(toolbox: toolbox, logger: logger)
            try await server.start(transport: transport)
            sessions[id] = Session(server: server, transport: transport, principal: principal, lastSeen: .now)
        } catch {
            logger.error("cannot start an MCP session", metadata: ["error": "\(error)"])
            return .error(statusCode: 500, .internalError("cannot start a session"))
        }
        let response = await transport.handleRequest(request)
        if response.statusCode >= 400, let session = sessions.removeValue(forKey: id) {
            await session.server.stop()
        }
        return response
    }

    /// Ends the sessions idle for longer than the timeout.
    func endIdleSessions() async {
        let cutoff = ContinuousClock.now - idleTimeout
        for (id, session) in sessions where session.lastSeen < cutoff {
            sessions[id] = nil
            await session.server.stop()
            logger.debug("ended an idle MCP session")
        }
    }

    /// Ends every session.
    func endAll() async {
        let ending = sessions.values
        sessions = [:]
        for session in ending { await session.server.stop() }
    }

    /// Whether `body` is a JSON-RPC `initialize` request.
    static func isInitialize(_ body: Data?) -> Bool {
        guard let body, let message = try? JSONValue(jsonData: body) else { return false }
        return message["method"] == "initialize"
    }
}

/// A session id chosen before the transport exists, so the session can be filed under it.
private struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
