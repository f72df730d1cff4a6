import HeapModule
import LMDB
import MemoryGraphCore

/// The part of the time axis a query reads, as posting bounds, in the query's direction.
struct PostingWindow: Sendable {
    /// Smallest posting allowed, and whether it is itself allowed.
    var lower: Posting?
    var lowerInclusive = true
    /// Largest posting allowed, and whether it is itself allowed.
    var upper: Posting?
    var upperInclusive = false

    func contains(_ posting: Posting) -> Bool {
        if let lower, posting < lower || (!lowerInclusive && posting == lower) { return false }
        if let upper, upper < posting || (!upperInclusive && posting == upper) { return false }
        return true
    }

    /// Whether `posting` lies beyond the window in the scan direction (the scan can stop).
    func isPast(_ posting: Posting, ascending: Bool) -> Bool {
        if ascending, let upper { return upper < posting || (!upperInclusive && posting == upper) }
        if !ascending, let lower { return posting < lower || (!lowerInclusive && posting == lower) }
        return false
    }
}

/// A stream of postings in (timestamp, id) order — ascending or descending.
protocol PostingSource: AnyObject {
    /// The posting the stream stands on, or `nil` when it is exhausted.
    var current: Posting? { get }
    /// The filter fields of ``current``'s node, when its index entry carries them (schema
    /// version 3 on).
    var fields: FilterFields? { get }
    /// Moves to the next posting in the stream's order.
    func advance() throws
    /// Moves to the first posting at or beyond `target` in the stream's order; never moves back.
    func seek(to target: Posting) throws
}

extension PostingSource {
    /// Whether `posting` is at or beyond `target` in the order of a stream.
    static func reached(_ posting: Posting, _ target: Posting, ascending: Bool) -> Bool {
        ascending ? !(posting < target) : !(target < posting)
    }
}

/// One posting list (the duplicates of one key in a DUPFIXED index), restricted to a window.
final class PostingListSource: PostingSource {
    private let cursor: Cursor
    private let key: [UInt8]
    private let window: PostingWindow
    private let ascending: Bool
    private(set) var current: Posting?
    private(set) var fields: FilterFields?
    /// Entries in the whole list, counted when the source was positioned on it; 0 when the
    /// list is absent, or (oldest first) when it holds nothing from the window's start on.
    private(set) var listCount = 0

    init(_ txn: Transaction, _ database: Database, key: [UInt8], window: PostingWindow, ascending: Bool) throws {
        cursor = try txn.cursor(database)
        self.key = key
        self.window = window
        self.ascending = ascending
        var found: Bool
        if ascending {
            if let lower = window.lower {
                found = try cursor.seek(to: key, duplicateAtLeast: lower.bytes)
            } else {
                found = try cursor.seek(to: key)
            }
        } else if let upper = window.upper {
            if try cursor.seek(to: key, duplicateAtLeast: upper.bytes) {
                found = true
            } else {
                found = try cursor.seek(to: key) && cursor.lastDuplicate()
            }
        } else {
            found = try cursor.seek(to: key) && cursor.lastDuplicate()
        }
        if found { listCount = try cursor.duplicateCount() }
        try settle(found)
    }

    /// Reads the posting under the cursor, skipping entries outside the window at the start.
    private func settle(_ found: Bool) throws {
        var found = found
        while found {
            let entry = try cursor.withCurrent { _, value in try IndexEntry.decode(value, in: cursor.database) }
            if window.isPast(entry.posting, ascending: ascending) { break }
            if window.contains(entry.posting) {
                current = entry.posting
                fields = entry.fields
                return
            }
            found = try ascending ? cursor.nextDuplicate() : cursor.previousDuplicate()
        }
        current = nil
        fields = nil
        cursor.close()
    }

    func advance() throws {
        guard current != nil else { return }
        try settle(try ascending ? cursor.nextDuplicate() : cursor.previousDuplicate())
    }

    func seek(to target: Posting) throws {
        guard let current, !Self.reached(current, target, ascending: ascending) else { return }
        if try cursor.seek(to: key, duplicateAtLeast: target.bytes) {
            if !ascending, cursor.withCurrent({ _, value in IndexEntry(exactly: value)?.posting }) != target {
                try settle(try cursor.previousDuplicate())
            } else {
                try settle(true)
            }
        } else {
            try settle(ascending ? false : try cursor.seek(to: key) && cursor.lastDuplicate())
        }
    }
}

/// `idx.time`: every node, as keys, restricted to a window. Its entries carry no fields.
final class TimeIndexSource: PostingSource {
    private let cursor: Cursor
    private let window: PostingWindow
    private let ascending: Bool
    private(set) var current: Posting?
    var fields: FilterFields? { nil }

    init(_ txn: Transaction, _ database: Database, window: PostingWindow, ascending: Bool) throws {
        cursor = try txn.cursor(database)
        self.window = window
        self.ascending = ascending
        let found: Bool
        if ascending {
            found = try window.lower.map { try cursor.seek(atLeast: $0.bytes) } ?? cursor.first()
        } else if let upper = window.upper {
            found = try cursor.seek(atLeast: upper.bytes) ? true : cursor.last()
        } else {
            found = try cursor.last()
        }
        try settle(found)
    }

    private func settle(_ found: Bool) throws {
        var found = found
        while found {
            let posting = try cursor.withCurrent { key, _ -> Posting in
                guard key.count == Posting.size else {
                    throw MemoryGraphError(
                        .corruption, "a key of idx.time has \(key.count) bytes, not 24; run `memory-graph verify`")
                }
                return Posting(key)
            }
            if window.isPast(posting, ascending: ascending) { break }
            if window.contains(posting) {
                current = posting
                return
            }
            found = try ascending ? cursor.next() : cursor.previous()
        }
        current = nil
        cursor.close()
    }

    func advance() throws {
        guard current != nil else { return }
        try settle(try ascending ? cursor.next() : cursor.previous())
    }

    func seek(to target: Posting) throws {
        guard let current, !Self.reached(current, target, ascending: ascending) else { return }
        if try cursor.seek(atLeast: target.bytes) {
            if !ascending, cursor.withCurrent({ key, _ in Posting(exactly: key) }) != target {
                try settle(try cursor.previous())
            } else {
                try settle(true)
            }
        } else {
            try settle(ascending ? false : try cursor.last())
        }
    }
}

/// Index entries gathered up front (from links, confidence buckets, or short posting lists read
/// whole), sorted into the stream's order.
final class SortedArraySource: PostingSource {
    private let entries: [IndexEntry]
    private let ascending: Bool
    private var index = 0

    init(_ entries: [IndexEntry], ascending: Bool) {
        self.ascending = ascending
        self.entries =
            ascending ? entries.sorted { $0.posting < $1.posting } : entries.sorted { $1.posting < $0.posting }
    }

    var current: Posting? { index < entries.count ? entries[index].posting : nil }
    var fields: FilterFields? { index < entries.count ? entries[index].fields : nil }

    func advance() throws { index += 1 }

    func seek(to target: Posting) throws {
        // Binary search for the first posting at or beyond `target`, from the current one on.
        var low = index
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if Self.reached(entries[middle].posting, target, ascending: ascending) {
                high = middle
            } else {
                low = middle + 1
            }
        }
        index = low
    }
}

/// Several sources merged into one ordered stream (a k-way merge on a heap); a posting present
/// in several sources comes out once.
final class MergedSource: PostingSource {
    private struct Head: Comparable {
        let posting: Posting
        let fields: FilterFields?
        let source: Int
        static func < (lhs: Head, rhs: Head) -> Bool {
            (lhs.posting, lhs.source) < (rhs.posting, rhs.source)
        }
        static func == (lhs: Head, rhs: Head) -> Bool {
            (lhs.posting, lhs.source) == (rhs.posting, rhs.source)
        }
    }

    private let sources: [any PostingSource]
    private var heap: Heap<Head>
    private let ascending: Bool
    private(set) var current: Posting?
    private(set) var fields: FilterFields?

    init(_ sources: [any PostingSource], ascending: Bool) throws {
        self.sources = sources
        self.ascending = ascending
        heap = Heap(sources.indices.compactMap { Self.head(of: sources, $0) })
        try pop()
    }

    /// Where source `index` stands, `nil` when it is exhausted.
    private static func head(of sources: [any PostingSource], _ index: Int) -> Head? {
        sources[index].current.map { Head(posting: $0, fields: sources[index].fields, source: index) }
    }

    private func pop() throws {
        let previous = current
        while let head = ascending ? heap.popMin() : heap.popMax() {
            let source = sources[head.source]
            try source.advance()
            if let next = Self.head(of: sources, head.source) { heap.insert(next) }
            if head.posting != previous {
                current = head.posting
                fields = head.fields
                return
            }
        }
        current = nil
        fields = nil
    }

    func advance() throws {
        guard current != nil else { return }
        try pop()
    }

    func seek(to target: Posting) throws {
        guard let current, !Self.reached(current, target, ascending: ascending) else { return }
        for source in sources { try source.seek(to: target) }
        heap = Heap(sources.indices.compactMap { Self.head(of: sources, $0) })
        self.current = nil
        try pop()
    }
}
