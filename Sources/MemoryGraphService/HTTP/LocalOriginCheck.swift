import HTTPTypes
import Hummingbird

/// For a service without tokens, where any request acts as the one agent: refuses a request
/// whose `Host` is not an allowed name (a page that rebinds its own name to 127.0.0.1) with 421,
/// and one whose `Origin` is another site's (a page of that site) with 403.
struct LocalOriginCheck: RouterMiddleware {
    typealias Context = ServiceRequestContext

    /// The allowed hosts, as `host` (any port) or `host:port`.
    let allowedHosts: [String]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let authority = request.head.authority, !allows(authority) {
            throw ServiceError(
                code: "misdirectedRequest", status: 421,
                "this service answers to \(allowedHosts.joined(separator: ", ")), not \(authority); "
                    + "memory-graph serve --allow-host adds a name")
        }
        if let origin = request.headers[.origin], origin != "null" {
            let authority = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
            guard let authority, allows(String(authority)) else {
                throw ServiceError(code: "permissionDenied", status: 403, "requests from \(origin) are not allowed")
            }
        }
        return try await next(request, context)
    }

    /// Whether `authority` (host or host:port) names an allowed host.
    func allows(_ authority: String) -> Bool {
        if allowedHosts.contains(authority) { return true }
        // The host without its port: after the last colon that is not inside [brackets].
        guard let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") else { return false }
        return allowedHosts.contains(String(authority[..<colon]))
    }
}
