import Synchronization

/// A counter that threads increment, read once they are done (relaxed ordering: a tally, not a
/// way to publish other memory).
///
/// ```swift
/// let failures = SharedCounter()
/// DispatchQueue.concurrentPerform(iterations: 4) { _ in failures.increment() }
/// print(failures.value)  // 4
/// ```
public final class SharedCounter: Sendable {
    private let count = Atomic(0)

    /// A counter at zero.
    public init() {}

    /// Adds one.
    public func increment() { count.add(1, ordering: .relaxed) }

    /// The count so far.
    public var value: Int { count.load(ordering: .relaxed) }
}
