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
/// submit at once share a commit and nobody waits for a timer.
struct WriteGroup {
    /// The most writes one transaction takes in; later arrivals wait for the next.
    static let maximumCount = 4_096

    /// The writes so far, in submission order.
    private(set) var writes: [PendingWrite]
    private let arrivals: Writer?

    /// A group of `writes` that takes later arrivals from `arrivals`, when given.
    init(_ writes: [PendingWrite], arrivals: Writer?) {
        self.writes = writes
        self.arrivals = arrivals
    }

    /// Takes the writes that arrived since the group was last extended.
    ///
    /// In a burst (the group already has several writes) the writer yields its processor once
    /// before deciding that nothing more is coming, so producers on the same core can submit.
    ///
    /// - Returns: Whether any write was added.
    mutating func takeArrivals() -> Bool {
        guard let arrivals, writes.count < Self.maximumCount else { return false }
        let room = Self.maximumCount - writes.count
        var arrived = arrivals.takeArrivals(limit: room)
        if arrived.isEmpty, writes.count > 1 {
            sched_yield()
            arrived = arrivals.takeArrivals(limit: room)
        }
        writes += arrived
        return !arrived.isEmpty
    }
}
