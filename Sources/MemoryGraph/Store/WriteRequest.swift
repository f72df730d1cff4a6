import Logging

/// One mutation, checked and ready for the writer: what it does in a transaction, its name for
/// metrics, and what its debug log entries say once it committed.
struct WriteRequest<Value: Sendable>: Sendable {
    var operation: String
    var describe: @Sendable (Value) -> [Logger.Metadata]
    var body: @Sendable (inout StoreTransaction) throws -> Value

    init(
        _ operation: String, describe: @escaping @Sendable (Value) -> [Logger.Metadata] = { _ in [[:]] },
        _ body: @escaping @Sendable (inout StoreTransaction) throws -> Value
    ) {
        self.operation = operationName(operation)
        self.describe = describe
        self.body = body
    }
}

/// A submitted write without its result type, as the writer queue holds it.
struct PendingWrite: Sendable {
    /// What a write did once it is part of a transaction: delivers its result after the commit.
    struct Done: Sendable {
        var operation: String
        /// The write's debug log entries, built only when debug logging is on.
        var log: @Sendable () -> [Logger.Metadata]
        var deliver: @Sendable () -> Void
    }

    var run: @Sendable (inout StoreTransaction) throws -> Done
    var fail: @Sendable (any Error) -> Void

    init<Value>(_ request: WriteRequest<Value>, completion: @escaping @Sendable (Result<Value, any Error>) -> Void) {
        run = { store in
            let value = try request.body(&store)
            return Done(
                operation: request.operation, log: { request.describe(value) },
                deliver: { completion(.success(value)) })
        }
        fail = { completion(.failure($0)) }
    }
}
