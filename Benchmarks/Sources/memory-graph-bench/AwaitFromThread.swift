import Dispatch
import Synchronization

/// Runs `body` in a task and blocks this thread (never one of the concurrency pool's) until it
/// ends: how the synchronous benchmark drives an `async` engine.
func awaitFromThread<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
    let done = DispatchSemaphore(value: 0)
    let outcome = Mutex<Result<Value, any Error>?>(nil)
    Task {
        let result: Result<Value, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else { throw AnswerMismatch(description: "a task never ended") }
    return try result.get()
}
