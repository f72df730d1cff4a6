import MemoryGraphCore
import Testing

/// Expects `body` to throw a ``MemoryGraphError`` with `code`.
func expectCode<R>(
    _ code: MemoryGraphError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> R
) async {
    let error = await #expect(throws: MemoryGraphError.self, sourceLocation: sourceLocation) { try await body() }
    #expect(error?.code == code, "got \(String(describing: error))", sourceLocation: sourceLocation)
}
