/// The changes of a store after a sequence number, as an `AsyncSequence`: the entries the
/// change log holds, then — when it follows — each new commit's, also those of other
/// processes, until the consuming task is cancelled.
///
/// ```swift
/// var last = loadLastHandledSequence()
/// for try await change in graph.changes(after: last, matching: ChangeFilter(contexts: ["trip-42"])) {
///     handle(change)
///     last = change.sequence
///     saveLastHandledSequence(last)
/// }
/// ```
///
/// A consumer that keeps the last sequence it handled and resumes after it sees every later
/// change exactly once, in order. Iterating throws ``MemoryGraphError/Code/changesTruncated``
/// when retention dropped changes it has not seen yet, and what the store's reads throw
/// (``MemoryGraphError/Code/closed`` once it is closed).
public struct ChangeFeed: AsyncSequence, Sendable {
    public typealias Element = GraphChange

    let store: any GraphStore
    let start: UInt64
    let filter: ChangeFilter
    let follows: Bool
    let enabled: Bool

    /// How many entries one read of the log takes.
    static let pageSize = 256

    public func makeAsyncIterator() -> Iterator {
        Iterator(feed: self, position: start)
    }

    /// Reads the log page by page and, when it follows, waits for commits between pages.
    public struct Iterator: AsyncIteratorProtocol {
        let feed: ChangeFeed
        /// The last sequence number read.
        var position: UInt64
        var buffered: [GraphChange] = []
        var next = 0
        /// Where a feed that does not follow ends: the log's end when it was first read.
        var end: UInt64?

        /// The next change; `nil` once the task is cancelled (or, for a feed that does not
        /// follow, at the end of the log).
        public mutating func next() async throws -> GraphChange? {
            guard feed.enabled else {
                throw MemoryGraphError(
                    .asyncDisabled,
                    "async operations are disabled; set Configuration.enableAsyncOperations or read the log with changePage(after:matching:limit:)"
                )
            }
            while true {
                if next < buffered.count {
                    defer { next += 1 }
                    return buffered[next]
                }
                if Task.isCancelled { return nil }
                if !feed.follows {
                    if end == nil { end = try await feed.store.currentSequence() }
                    if let end, position >= end { return nil }
                }
                let page = try await feed.store.changes(
                    after: position, matching: feed.filter, limit: ChangeFeed.pageSize)
                let advanced = page.scannedThrough > position
                position = page.scannedThrough
                // A feed that does not follow leaves out what was committed after it began.
                buffered = end.map { last in page.changes.filter { $0.sequence <= last } } ?? page.changes
                next = 0
                if !buffered.isEmpty || advanced { continue }
                if !feed.follows { return nil }
                await feed.store.waitForChanges(after: position, timeout: .seconds(1))
            }
        }
    }
}
