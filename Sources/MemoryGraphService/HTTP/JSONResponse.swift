import HTTPTypes
import Hummingbird
import MemoryGraphCore
import NIOCore

/// JSON responses built from the library's ``JSONValue``.
enum JSONResponse {
    /// `value` as an `application/json` response with `status` and the extra `headers`.
    static func make(_ value: JSONValue, status: Int = 200, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let text = (try? value.jsonString()) ?? "{}"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
