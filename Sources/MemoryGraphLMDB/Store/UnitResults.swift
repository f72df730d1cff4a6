import MemoryGraphCore
import NIOConcurrencyHelpers

/// The results of one unit of writes as the writer delivers them, one by one, possibly on
/// different threads; calls its completion once the last one arrived.
final class UnitResults<Value: Sendable>: Sendable {
    private struct State {
        var results: [Result<Value, MemoryGraphError>?]
        var remaining: Int
    }

    private let state: LockedValue<State>
    private let completion: @Sendable ([Result<Value, MemoryGraphError>]) -> Void

    /// Results for `count` writes; `completion` receives them all, in order, after the last is set.
    init(count: Int, completion: @escaping @Sendable ([Result<Value, MemoryGraphError>]) -> Void) {
        state = LockedValue(State(results: Array(repeating: nil, count: count), remaining: count))
        self.completion = completion
    }

    /// Sets the result of write `index`.
    func set(_ index: Int, _ result: Result<Value, MemoryGraphError>) {
        let finished = state.withLockedValue { state -> [Result<Value, MemoryGraphError>]? in
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            return state.results.map {
                $0 ?? .failure(MemoryGraphError(.storage, "a write finished without a result"))
            }
        }
        if let finished { completion(finished) }
    }
}
