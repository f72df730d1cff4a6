import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts the transactions of one environment in flight and lets a rare operation (growing the
/// map, closing) run while none is.
///
/// `mdb_env_set_mapsize` and `mdb_env_close` require that no transaction of the process is active.
/// Entering costs two atomic operations; only the rare exclusive path waits, by polling.
final class TransactionGate: Sendable {
    private let active = Atomic<Int>(0)
    private let exclusive = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)

    /// Registers a transaction about to begin; waits while an exclusive operation runs.
    /// - Throws: ``LMDBError/Code/closed`` once the environment is closed.
    func enter() throws(LMDBError) {
        while true {
            active.add(1, ordering: .sequentiallyConsistent)
            if !exclusive.load(ordering: .sequentiallyConsistent) {
                if closed.load(ordering: .sequentiallyConsistent) {
                    active.subtract(1, ordering: .sequentiallyConsistent)
                    throw LMDBError(
                        code: .closed, message: "the environment is closed; open it again",
                        operation: "Environment.transaction")
                }
                return
            }
            active.subtract(1, ordering: .sequentiallyConsistent)
            while exclusive.load(ordering: .sequentiallyConsistent) { usleep(50) }
        }
    }

    /// Unregisters a transaction that ended.
    func leave() {
        active.subtract(1, ordering: .sequentiallyConsistent)
    }

    /// Runs `body` while no transaction of the environment is active and none can begin.
    ///
    /// Must not be called by a thread that is inside a transaction of the same environment.
    func withExclusiveAccess<R>(_ body: () throws -> R) rethrows -> R {
        while !exclusive.compareExchange(
            expected: false, desired: true, ordering: .sequentiallyConsistent
        ).exchanged {
            usleep(50)
        }
        defer { exclusive.store(false, ordering: .sequentiallyConsistent) }
        while active.load(ordering: .sequentiallyConsistent) != 0 { usleep(20) }
        return try body()
    }

    /// Refuses new transactions, waits for those in flight, then runs `body` (the close).
    /// Returns `false` without running `body` when the gate was already closed.
    func close(_ body: () -> Void) -> Bool {
        withExclusiveAccess {
            guard !closed.load(ordering: .sequentiallyConsistent) else { return false }
            closed.store(true, ordering: .sequentiallyConsistent)
            body()
            return true
        }
    }

    /// Whether the environment was closed.
    var isClosed: Bool { closed.load(ordering: .sequentiallyConsistent) }
}
