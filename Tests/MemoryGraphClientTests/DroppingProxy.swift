import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import MemoryGraph
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A proxy that forwards every request to the service, but drops the connection instead of
/// answering every other `/v1/store/apply`, starting with the first: the write lands, its
/// answer is lost.
final class DroppingProxy: Sendable {
    let url: URL
    private let stopServer: @Sendable () -> Void
    private let client: HTTPClient
    private let count: NIOLockedValueBox<Int>

    /// How many requests to `/v1/store/apply` were forwarded.
    var forwarded: Int { count.withLockedValue { $0 } }

    private init(url: URL, stop: @escaping @Sendable () -> Void, client: HTTPClient, count: NIOLockedValueBox<Int>) {
        self.url = url
        stopServer = stop
        self.client = client
        self.count = count
    }

    struct Dropped: Error {}

    static func start(to service: URL) async throws -> DroppingProxy {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let count = NIOLockedValueBox(0)
        let router = Router()
        let forward: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var forwarded = HTTPClientRequest(url: service.absoluteString + request.uri.description)
            forwarded.method = request.method == .post ? .POST : .GET
            for name in [HTTPField.Name.authorization, .contentType] {
                if let value = request.headers[name] { forwarded.headers.add(name: name.rawName, value: value) }
            }
            forwarded.body = .bytes(try await request.body.collect(upTo: 1 << 24))
            let answer = try await client.execute(forwarded, timeout: .seconds(30))
            let body = try await answer.body.collect(upTo: 1 << 24)
            guard request.uri.path.hasSuffix("/apply") else {
                return Response(
                    status: HTTPResponse.Status(code: Int(answer.status.code)),
                    headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
            }
            let number = count.withLockedValue {
                $0 += 1
                return $0
            }
            guard number.isMultiple(of: 2) else {
                return Response(status: .ok, body: ResponseBody { _ in throw Dropped() })
            }
            return Response(
                status: HTTPResponse.Status(code: Int(answer.status.code)),
                headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
        }
        router.get("**", use: forward)
        router.post("**", use: forward)
        let (url, stop) = try await serve(router)
        return DroppingProxy(url: url, stop: stop, client: client, count: count)
    }

    func stop() {
        stopServer()
        client.shutdown { _ in }
    }
}
