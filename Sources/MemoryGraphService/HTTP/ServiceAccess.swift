/// How the service learns who a request acts for.
public enum ServiceAccess: Sendable {
    /// Each request's `Authorization: Bearer` token, looked up in a ``TokenStore``.
    case tokens(TokenStore)
    /// Every request acts as this credential, with no token: for a service on a loopback
    /// address used by one local agent. Requests must then name an allowed host and come from
    /// no other site (against DNS rebinding and cross-site requests).
    case fixed(AgentCredential)
}
