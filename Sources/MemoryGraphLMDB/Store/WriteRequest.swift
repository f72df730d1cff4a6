import MemoryGraphCore

/// One write, ready for the ``Writer``: what it does inside a write transaction. A backend's
/// own closure over its transaction type; it never leaves the LMDB backend (mutations cross the
/// seam as ``GraphMutation`` values).
struct WriteRequest<Value: Sendable>: Sendable {
    var body: @Sendable (inout StoreTransaction) throws -> Value
    /// Whether the transaction removes the expired nodes before this write: every write but
    /// the writer's own lazy indexing, which must not move a sweep to another moment.
    var sweepsFirst: Bool

    init(sweepsFirst: Bool = true, _ body: @escaping @Sendable (inout StoreTransaction) throws -> Value) {
        self.body = body
        self.sweepsFirst = sweepsFirst
    }
}

/// A submitted write without its result type, as the writer queue holds it.
struct PendingWrite: Sendable {
    /// What a write did once it is part of a transaction: delivers its result after the commit.
    struct Done: Sendable {
        var deliver: @Sendable () -> Void
    }

    var run: @Sendable (inout StoreTransaction) throws -> Done
    var fail: @Sendable (MemoryGraphError) -> Void
    var sweepsFirst: Bool

    init<Value>(
        _ request: WriteRequest<Value>, completion: @escaping @Sendable (Result<Value, MemoryGraphError>) -> Void
    ) {
        run = { store in
            let value = try request.body(&store)
            return Done(deliver: { completion(.success(value)) })
        }
        fail = { completion(.failure($0)) }
        sweepsFirst = request.sweepsFirst
    }
}
