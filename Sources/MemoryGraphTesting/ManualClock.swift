public import Foundation
import Synchronization

/// A clock that moves only when told: for tests of expiry.
///
/// ```swift
/// let clock = ManualClock(Date(timeIntervalSince1970: 1_760_000_000))
/// var configuration = MemoryGraph.Configuration()
/// configuration.currentTime = clock.read
/// configuration.expirySweepInterval = nil
/// let graph = try MemoryGraph.inMemory(configuration: configuration)
/// try graph.addNodes([NodeDraft(agentID: "a", taskContext: "c", result: [:],
///                               expiresAt: clock.now.addingTimeInterval(60))])
/// clock.advance(by: 60)  // the node has expired
/// ```
public final class ManualClock: Sendable {
    private let time: Mutex<Date>

    /// A clock showing `start`.
    public init(_ start: Date) { time = Mutex(start) }

    /// The time it shows.
    public var now: Date { time.withLock { $0 } }

    /// The time it shows, as a function for ``MemoryGraph/Configuration/currentTime``.
    public var read: @Sendable () -> Date { { [self] in now } }

    /// Moves the clock `seconds` forward.
    public func advance(by seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
