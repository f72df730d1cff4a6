import Hummingbird
import NIOCore

/// A request's context in the service: Hummingbird's core, and the credential its bearer token
/// granted (set by ``BearerAuthentication``).
struct ServiceRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// What the request's token grants; `nil` before authentication and on open routes.
    var credential: AgentCredential?
    /// Who presented the credential: `token N` (its entry in the tokens file), or `local`
    /// without tokens. An MCP session belongs to it.
    var principal: String?

    /// A context for a request arriving on a channel.
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        credential = nil
        principal = nil
    }

    /// The credential, or `unauthorized`.
    func requireCredential() throws -> AgentCredential {
        guard let credential else {
            throw ServiceError(code: "unauthorized", status: 401, "send Authorization: Bearer TOKEN")
        }
        return credential
    }
}
