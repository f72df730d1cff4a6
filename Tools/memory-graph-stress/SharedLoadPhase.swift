import Synchronization

/// The current ``LoadPhase``, shared by the load test's threads.
final class SharedLoadPhase: Sendable {
    private let current = Atomic(0)
    private static let phases: [LoadPhase] = [.warmUp, .alone, .withWriters]

    var value: LoadPhase {
        get { Self.phases[current.load(ordering: .acquiring)] }
        set { current.store(Self.phases.firstIndex(of: newValue) ?? 0, ordering: .releasing) }
    }
}
