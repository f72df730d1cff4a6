import Foundation
import HTTPTypes
import Hummingbird
import MCP
import NIOCore
import ServiceLifecycle

/// `/mcp`: Hummingbird requests handed to the SDK's Streamable HTTP transport through
/// ``MCPHTTPSessions``, and its responses (JSON, or SSE streams) handed back.
struct MCPHTTPRoute: Sendable {
    let sessions: MCPHTTPSessions
    let maximumBodySize: Int

    func handle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        let body = try await request.body.collect(upTo: maximumBodySize)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        // HTTP types keep Host apart, as the authority; the transport checks it against DNS rebinding.
        if let authority = request.head.authority { headers[MCP.HTTPHeaderName.host] = authority }
        let forwarded = MCP.HTTPRequest(
            method: request.method.rawValue, headers: headers,
            body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil, path: request.uri.path)
        let answer = await sessions.handle(forwarded, credential: credential, principal: context.principal ?? "")
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let status = HTTPTypes.HTTPResponse.Status(code: answer.statusCode)
        if case .stream(let stream, _) = answer {
            // A client's standing GET stream ends when the service shuts down; the stream of a
            // request ends with its answer.
            let standing = request.method == .get
            return Response(
                status: status, headers: fields,
                body: ResponseBody { writer in
                    if standing {
                        for try await chunk in stream.cancelOnGracefulShutdown() {
                            try await writer.write(ByteBuffer(bytes: chunk))
                        }
                    } else {
                        for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                    }
                    try await writer.finish(nil)
                })
        }
        return Response(
            status: status, headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.bodyData ?? Data())))
    }
}
