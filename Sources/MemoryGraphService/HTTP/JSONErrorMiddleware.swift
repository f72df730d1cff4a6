import Hummingbird
import Logging
import MemoryGraphCore
import NIOCore

/// Turns every failure of the routes inside it into a JSON error response,
/// `{"error": {"code", "message"}}` with the status of ``ServiceError``; failures that are not
/// the library's or the service's are logged and reported without their details.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let reported: ServiceError
            switch error {
            case let error as HTTPError:
                reported = ServiceError(
                    code: error.status == .notFound ? "notFound" : "http\(error.status.code)",
                    status: error.status.code, error.body ?? error.status.reasonPhrase)
            case is NIOTooManyBytesError:
                reported = ServiceError(
                    code: "payloadTooLarge", status: 413, "the request body is larger than the service accepts")
            case is ServiceError, is MemoryGraphError:
                reported = ServiceError(error)
            default:
                context.logger.error("request failed", metadata: ["error": "\(error)"])
                reported = ServiceError(error)
            }
            return JSONResponse.make(
                reported.body, status: reported.status,
                headers: reported.status == 401 ? [.wwwAuthenticate: "Bearer"] : [:])
        }
    }
}
