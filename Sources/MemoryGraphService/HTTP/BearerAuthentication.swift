import Foundation
import HTTPTypes
import Hummingbird

/// Sets the request's ``AgentCredential`` from its `Authorization: Bearer` token; refuses the
/// request (401) when the token is missing or unknown. The token itself is never logged.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = ServiceRequestContext

    let access: ServiceAccess

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        (context.credential, context.principal) = try credential(of: request)
        return try await next(request, context)
    }

    /// The request's credential and who presented it.
    func credential(of request: Request) throws -> (AgentCredential, String) {
        switch access {
        case .fixed(let credential): return (credential, "local")
        case .tokens(let tokens):
            guard let header = request.headers[.authorization] else {
                throw ServiceError(code: "unauthorized", status: 401, "send Authorization: Bearer TOKEN")
            }
            let parts = header.split(separator: " ", maxSplits: 1)
            let token = parts.count == 2 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            guard parts.count == 2, parts[0].lowercased() == "bearer", let index = tokens.index(of: token) else {
                throw ServiceError(
                    code: "unauthorized", status: 401,
                    "the bearer token is not valid; ask for one with memory-graph token add")
            }
            return (tokens.entries[index].credential, "token \(index)")
        }
    }
}
