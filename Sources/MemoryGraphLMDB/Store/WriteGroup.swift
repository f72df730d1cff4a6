import MemoryGraphCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writes of one transaction. With group commit it starts with the writes waiting when the
/// writer took it and takes the writes that arrive while those are applied, so producers that
/// submit at once share a commit. A write that arrives alone never waits.
struct WriteGroup {
    /// The most writes one transaction takes in; later arrivals wait for the next.
    static let maximumCount = 4_096
    /// A burst has ended when no write arrived for this long: 100 µs, in nanoseconds.
    static let quietGap: UInt64 = 100_000

    /// The writes so far, in submission order.
    private(set) var writes: [PendingWrite]
    private let arrivals: Writer?
    /// The longest the group waits for arrivals in all, in nanoseconds.
    private let window: UInt64
    /// When the group's waiting ends, set the first time it waits.
    private var deadline: UInt64?

    /// A group of `writes` that takes later arrivals from `arrivals`, when given, waiting up to
    /// `window` nanoseconds in all for them once it holds several writes.
    init(_ writes: [PendingWrite], arrivals: Writer?, window: UInt64) {
        self.writes = writes
        self.arrivals = arrivals
        self.window = window
    }

    /// Takes the writes that arrived since the group was last extended.
    ///
    /// In a burst (the group already has several writes) the writer yields its processor once
    /// before deciding that nothing more is coming, so producers on the same core can submit;
    /// then, within the group's window, it keeps looking until no write arrived for
    /// ``quietGap``. On two cores, 64 producers that submit at once otherwise reach the writer
    /// slower than it applies their writes: it ran dry after a few and the round took a second
    /// synced commit (about 1.7 commits per round of S7 without the wait, 1.05 with it).
    ///
    /// - Returns: Whether any write was added.
    mutating func takeArrivals() -> Bool {
        guard let arrivals, writes.count < Self.maximumCount else { return false }
        let room = Self.maximumCount - writes.count
        var arrived = arrivals.takeArrivals(limit: room)
        if arrived.isEmpty, writes.count > 1 {
            sched_yield()
            arrived = arrivals.takeArrivals(limit: room)
            if arrived.isEmpty, window > 0 {
                let quietSince = monotonicNanoseconds()
                let deadline = self.deadline ?? quietSince &+ window
                self.deadline = deadline
                var now = quietSince
                while arrived.isEmpty, now < deadline, now &- quietSince < Self.quietGap {
                    usleep(Self.pollMicroseconds)
                    arrived = arrivals.takeArrivals(limit: room)
                    now = monotonicNanoseconds()
                }
            }
        }
        writes += arrived
        return !arrived.isEmpty
    }

    /// The sleep between two looks for arrivals while the group waits.
    private static let pollMicroseconds: UInt32 = 10
}
