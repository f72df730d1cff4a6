import AsyncHTTPClient
import Foundation
import MemoryGraphCore
import NIOCore
import NIOHTTP1

/// The HTTP side of a ``RemoteGraphStore``: sends a request to a store endpoint, repeats it on a
/// connection failure when that is safe, and turns the answer into JSON or the error it reports.
struct RemoteTransport: Sendable {
    let client: HTTPClient
    /// The service's URL, without a trailing slash.
    let base: String
    /// `Bearer TOKEN`, or `nil` without a token. Never logged.
    let authorization: String?
    let configuration: RemoteGraphStore.Configuration

    init(client: HTTPClient, base url: URL, token: String?, configuration: RemoteGraphStore.Configuration) {
        self.client = client
        var base = url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        authorization = token.map { "Bearer \($0)" }
        self.configuration = configuration
    }

    /// A request to `/v1/store/<path>`.
    struct Call: Sendable {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: JSONValue?
        /// Whether the request may be sent again after a connection failure.
        var repeatable = true
        /// A longer limit than the configured one (a long poll).
        var timeout: Duration?
        /// Whether cancelling the calling task cancels the request (only a long poll's is).
        var cancellable = false

        static func get(_ path: String, _ query: [(String, String)] = []) -> Call {
            Call(method: .GET, path: path, query: query)
        }

        static func post(_ path: String, _ body: JSONValue, repeatable: Bool = true) -> Call {
            Call(method: .POST, path: path, body: body, repeatable: repeatable)
        }
    }

    /// The JSON answer of `call`, and how many attempts it took.
    ///
    /// - Throws: The error the service reported, ``MemoryGraphError/Code/unavailable`` when it
    ///   could not be reached.
    func json(_ call: Call) async throws -> (JSONValue, attempts: Int) {
        let exchange = { @Sendable [self] in
            try await send(call) { response in
                let buffer = try await response.body.collect(upTo: configuration.maximumResponseSize)
                return try Self.parse(Array(buffer.readableBytesView), call)
            }
        }
        guard call.cancellable else {
            // Like a local store's, the call answers in a cancelled task too: a follower that is
            // cancelled ends without an error.
            return try await Task(operation: exchange).value
        }
        return try await exchange()
    }

    /// Sends `call` and hands a successful response to `read`; repeats both on a connection
    /// failure while the call is repeatable and attempts are left.
    func send<T>(
        _ call: Call, _ read: (HTTPClientResponse) async throws -> T
    ) async throws -> (T, attempts: Int) {
        var request = HTTPClientRequest(url: url(call))
        request.method = call.method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let body = call.body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: try body.jsonString()))
        }
        let deadline = ContinuousClock.now + (call.timeout ?? configuration.requestTimeout)
        var attempt = 1
        while true {
            do {
                let remaining = ContinuousClock.now.duration(to: deadline)
                let response = try await client.execute(
                    request, timeout: .nanoseconds(max(remaining, .zero).nanoseconds))
                guard response.status == .ok else { throw try await failure(response, call) }
                return (try await read(response), attempt)
            } catch let error as MemoryGraphError where error.code != .unavailable {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                // Every pooled connection was busy for as long as the client waits for one (its
                // connect timeout): nothing was sent, so the request waits again, within its
                // own deadline, whatever it is.
                if let error = error as? HTTPClientError, error == .getConnectionFromPoolTimeout,
                    ContinuousClock.now < deadline
                {
                    continue
                }
                let unavailable = Self.unavailable(error, call)
                let delay = configuration.retryDelay * (1 << (attempt - 1))
                guard call.repeatable, attempt < configuration.maximumAttempts, ContinuousClock.now + delay < deadline
                else { throw unavailable }
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func url(_ call: Call) -> String {
        var components = URLComponents()
        components.queryItems = call.query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        return base + "/v1/store/" + call.path + query
    }

    /// A wire document of the service's answer.
    static func parse(_ bytes: [UInt8], _ call: Call) throws -> JSONValue {
        do {
            return try WireFormat.parse(bytes)
        } catch {
            throw MemoryGraphError(
                .storage, "the service's answer to \(call.method) \(call.path) is not JSON: \(error.message)")
        }
    }

    /// The value of a wire type read from the service's answer; a malformed one is a
    /// ``MemoryGraphError/Code/storage`` error.
    static func decode<T: WireCodable>(_ value: JSONValue?, _ what: String) throws -> T {
        do {
            return try T(wire: value ?? .null)
        } catch {
            throw MemoryGraphError(.storage, "the service's \(what) is not what this client reads: \(error.message)")
        }
    }

    /// The error a non-200 response reports: the store's own code and message when the body has
    /// them; for the service's own errors the nearest code.
    private func failure(_ response: HTTPClientResponse, _ call: Call) async throws -> MemoryGraphError {
        let status = Int(response.status.code)
        let buffer = try await response.body.collect(upTo: 1 << 20)
        let reported = (try? WireFormat.parse(Array(buffer.readableBytesView)))?["error"]
        let code = reported?["code"]?.stringValue
        let message = reported?["message"]?.stringValue ?? response.status.reasonPhrase
        if let reported, let code, MemoryGraphError.Code(name: code) != nil {
            return (try? MemoryGraphError(wire: reported)) ?? MemoryGraphError(.storage, message)
        }
        switch status {
        case 401:
            return MemoryGraphError(.permissionDenied, "the service refused the token: \(message)")
        case 403, 421:
            return MemoryGraphError(.permissionDenied, "the service refused the request: \(message)")
        case 404:
            return MemoryGraphError(
                .unsupported,
                "the service at \(base) has no \(call.method) /v1/store/\(call.path); it may be older than this client")
        case 502, 503, 504:
            return MemoryGraphError(.unavailable, "the service at \(base) is unavailable (\(status)): \(message)")
        default:
            return MemoryGraphError(
                .storage, "the service answered \(status)\(code.map { " \($0)" } ?? ""): \(message)")
        }
    }

    /// A connection failure as ``MemoryGraphError/Code/unavailable``.
    private static func unavailable(_ error: any Error, _ call: Call) -> MemoryGraphError {
        if let error = error as? MemoryGraphError { return error }
        return MemoryGraphError(
            .unavailable, "the service could not be reached for \(call.method) /v1/store/\(call.path)",
            underlyingError: error)
    }
}
