import Hummingbird
import MemoryGraphCore

/// Lets through only the requests whose credential has ``AgentCredential/storeAccess``: the
/// store endpoints read and write the whole store, as any agent. Others are refused with 403
/// and a JSON error.
struct StoreAccessCheck: RouterMiddleware {
    typealias Context = ServiceRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard try context.requireCredential().storeAccess else {
            throw MemoryGraphError(
                .permissionDenied,
                "the store endpoints read and write the whole store as any agent; this token may not use them "
                    + "(memory-graph token add --store makes one that may)")
        }
        return try await next(request, context)
    }
}
