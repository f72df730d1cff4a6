import AsyncHTTPClient
public import MemoryGraphCore
import NIOCore

/// The export, read as the service streams it: one record per line, so memory stays constant.
extension RemoteGraphStore {
    /// Every record of the store behind the service, from one state: its summary, every node,
    /// every bundle, each passed to `visit` as its line arrives.
    ///
    /// - Throws: The service's error; ``MemoryGraphError/Code/unavailable`` when the connection
    ///   failed or the stream ended before its last line; what `visit` throws.
    public func export(_ visit: (ExportedRecord) async throws -> Void) async throws {
        try await operation {
            let call = RemoteTransport.Call.get("export")
            // Only the request is repeated: once a record was visited, a failure is reported.
            let (response, _) = try await transport.send(call) { $0 }
            var reader = RecordLines()
            do {
                for try await buffer in response.body {
                    reader.append(buffer.readableBytesView)
                    while let line = reader.nextLine() {
                        if try await handle(line, visit) { return }
                    }
                }
            } catch let error as MemoryGraphError {
                throw error
            } catch let error where !(error is CancellationError) {
                throw MemoryGraphError(
                    .unavailable, "the connection failed during the export", underlyingError: error)
            }
            throw MemoryGraphError(.unavailable, "the export ended before its last record")
        }
    }

    /// Visits the record on `line`; `true` at the end line.
    private func handle(_ line: [UInt8], _ visit: (ExportedRecord) async throws -> Void) async throws -> Bool {
        let value = try RemoteTransport.parse(line, .get("export"))
        if value["end"] != nil { return true }
        if let error = value["error"] {
            throw (try? MemoryGraphError(wire: error)) ?? MemoryGraphError(.storage, "\(error)")
        }
        try await visit(try RemoteTransport.decode(value, "export record"))
        return false
    }
}

/// Splits a byte stream into lines.
private struct RecordLines {
    private var bytes: [UInt8] = []
    private var start = 0

    mutating func append(_ chunk: some Collection<UInt8>) {
        if start > 0, start >= bytes.count / 2 {
            bytes.removeFirst(start)
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    /// The next whole line, without its newline.
    mutating func nextLine() -> [UInt8]? {
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = Array(bytes[start..<end])
        start = end + 1
        return line
    }
}
