import LMDB
import MemoryGraphCore

/// A way to produce a query's candidates from one index, with the planner's estimate of how
/// many postings it reads.
struct AccessPath {
    enum Kind: String {
        case agentContext = "idx.agent_context"
        case agent = "idx.agent"
        case context = "idx.context"
        case type = "idx.type"
        case confidence = "idx.confidence"
        case linkedFrom = "links.out"
        case linkedTo = "links.in"
        case time = "idx.time"
    }

    var kind: Kind
    /// The index keys whose posting lists the path reads (empty for time and link paths).
    var keys: [[UInt8]]
    /// The path's entries within the time window, when the planner read them up front while
    /// counting its lists (few entries); `nil` when the path is read as it runs.
    var prefetched: [IndexEntry]?
    /// Whether ``prefetched`` holds the path's entries.
    var readUpFront: Bool { prefetched != nil }
    /// Whether the path's entries carry ``FilterFields`` (lists keyed by interned ids, schema
    /// version 3 on).
    var carriesFields = false
    /// The criteria the path answers exactly; the time window is answered by every path.
    var covers: Set<Criterion>
    /// Estimated postings read.
    var estimate: Int
    /// Estimated work, in posting reads (a seek or a record lookup costs several).
    var cost: Double

    var name: String {
        keys.count > 1 ? "\(kind.rawValue) (\(keys.count) lists)" : kind.rawValue
    }

    /// Relative costs, in sequential posting reads: positioning a cursor on a new list, reading
    /// a node's record header, and seeking forward within a list being intersected.
    static let seekCost = 4.0
    static let lookupCost = 4.0
    static let intersectSeekCost = 2.0
}

/// The posting sources the planner positioned while it counted the lists of its access paths,
/// by path: handed to the executor, which would otherwise seek to each list a second time.
/// (Counting a list is positioning a cursor on it; a second seek per list costs several percent
/// of a multi-criteria query.)
final class PositionedSources {
    private var sources: [AccessPath.Kind: [any PostingSource]] = [:]

    /// Keeps `sources` for the path of `kind`.
    func keep(_ sources: [any PostingSource], for kind: AccessPath.Kind) {
        self.sources[kind] = sources
    }

    /// The sources of `path`'s lists, positioned in the window: the planner's, or new ones.
    func sources(of path: AccessPath, query: ResolvedQuery, in store: StoreTransaction) throws -> [any PostingSource] {
        if let entries = path.prefetched { return [SortedArraySource(entries, ascending: query.ascending)] }
        if let kept = sources.removeValue(forKey: path.kind) { return kept }
        return try path.keys.map {
            try PostingListSource(
                store.txn, store.schema.database(of: path.kind), key: $0, window: query.window,
                ascending: query.ascending)
        }
    }
}

extension StoreTransaction {
    /// Every access path that can answer `query`, cheapest first; the sources positioned while
    /// counting go to `positioned`.
    func accessPaths(for query: ResolvedQuery, positioned: PositionedSources = PositionedSources()) throws
        -> [AccessPath]
    {
        let fraction = try timeFraction(query.window)
        let entriesCarryFields = try entriesCarryFields()
        var paths: [AccessPath] = []

        // Counting the lists reads their entries in the window when they are few, and otherwise
        // positions a source on each, which the query then reads if it takes the path.
        func listPath(_ kind: AccessPath.Kind, _ keys: [[UInt8]], _ database: Database, covers: Set<Criterion>)
            throws -> AccessPath
        {
            let carriesFields = entriesCarryFields && schema.carriesFilterFields(database)
            if let entries = try entriesWithin(query.window, of: keys, in: database, fraction: fraction) {
                return AccessPath(
                    kind: kind, keys: keys, prefetched: entries, carriesFields: carriesFields, covers: covers,
                    estimate: entries.count,
                    cost: Double(entries.count) + AccessPath.seekCost * Double(keys.count))
            }
            let sources = try keys.map {
                try PostingListSource(txn, database, key: $0, window: query.window, ascending: query.ascending)
            }
            let total = sources.reduce(0) { $0 + $1.listCount }
            let estimate = Int((Double(total) * fraction).rounded(.up))
            positioned.keep(sources, for: kind)
            return AccessPath(
                kind: kind, keys: keys, carriesFields: carriesFields, covers: covers,
                estimate: estimate,
                cost: Double(estimate) + AccessPath.seekCost * Double(keys.count))
        }

        var pairKeys = 0
        if let agents = query.agents?.sorted(), let contexts = query.contexts?.sorted(),
            agents.count * contexts.count <= 4096
        {
            let keys = agents.flatMap { agent in contexts.map { IndexKey.agentContext(agent, $0) } }
            pairKeys = keys.count
            paths.append(try listPath(.agentContext, keys, schema.byAgentContext, covers: [.agent, .context]))
        }
        // The (agent, context) lists hold a subset of both the agent and the context lists, and
        // their entries carry the fields either would have to check: with few of them, neither
        // can be cheaper by more than the few extra seeks, so they are not counted.
        if pairKeys == 0 || pairKeys > Self.pairKeysSkippingSingleLists || !entriesCarryFields {
            if let agents = query.agents?.sorted() {
                paths.append(try listPath(.agent, agents.map(IndexKey.id), schema.byAgent, covers: [.agent]))
            }
            if let contexts = query.contexts?.sorted() {
                paths.append(try listPath(.context, contexts.map(IndexKey.id), schema.byContext, covers: [.context]))
            }
        }
        if let types = query.types?.sorted() {
            paths.append(try listPath(.type, types.map(IndexKey.id), schema.byType, covers: [.type]))
        }
        for (kind, source, database) in [
            (AccessPath.Kind.linkedFrom, query.linkedFrom, schema.linksOut),
            (AccessPath.Kind.linkedTo, query.linkedTo, schema.linksIn),
        ] {
            guard let source else { continue }
            let count = try source.withUnsafeBytes { try txn.count(duplicatesOf: $0, in: database) }
            paths.append(
                AccessPath(
                    kind: kind, keys: [], covers: [kind == .linkedFrom ? .linkedFrom : .linkedTo], estimate: count,
                    cost: Double(count) * AccessPath.lookupCost))
        }
        let nodes = try txn.statistics(of: schema.nodes).entries
        let timeEstimate = Int((Double(nodes) * fraction).rounded(.up))
        paths.append(AccessPath(kind: .time, keys: [], covers: [], estimate: timeEstimate, cost: Double(timeEstimate)))
        // Counting a confidence range walks its distinct values; skip it when another path is
        // already so cheap that confidence could not do much better.
        if query.minConfidence != nil || query.maxConfidence != nil,
            paths.map(\.cost).min() ?? .infinity > Self.confidenceEstimateThreshold
        {
            paths.append(try confidencePath(query, fraction: fraction))
        }
        return paths.sorted { $0.cost < $1.cost }
    }

    /// Counts the postings of the confidences within the query's bounds; past
    /// ``confidenceKeysCounted`` distinct confidences the rest of the range is extrapolated.
    private func confidencePath(_ query: ResolvedQuery, fraction: Double) throws -> AccessPath {
        let bounds = query.confidenceBounds
        let upper = IndexKey.confidence(bounds.upperBound)
        var keys = 0
        var total = 0
        var reached = bounds.lowerBound
        let cursor = try txn.cursor(schema.byConfidence)
        defer { cursor.close() }
        var found = try cursor.seek(atLeast: IndexKey.confidence(bounds.lowerBound))
        while found, keys < Self.confidenceKeysCounted {
            let key = cursor.currentKey
            guard !upper.lexicographicallyPrecedes(key) else {
                reached = bounds.upperBound
                break
            }
            keys += 1
            total += try cursor.duplicateCount()
            reached = key.withUnsafeBytes { Double(bitPattern: $0.bigEndianUInt64(at: 0)) }
            found = try cursor.nextKey()
        }
        if !found { reached = bounds.upperBound }
        var counted = Double(total)
        if reached < bounds.upperBound, reached > bounds.lowerBound {
            counted *= (bounds.upperBound - bounds.lowerBound) / (reached - bounds.lowerBound)
        }
        let estimate = Int((counted * fraction).rounded(.up))
        return AccessPath(
            kind: .confidence, keys: [], covers: [.confidence], estimate: estimate,
            cost: Double(estimate) * 1.5 + AccessPath.seekCost * Double(keys))
    }

    /// Every entry of the lists of `keys` (sorted) within `window`, read with one cursor in key
    /// order, so that each seek starts from the leaf page the previous one ended on; `nil` as
    /// soon as the lists are expected to hold more than ``gatheredEntriesLimit`` entries in the
    /// window (from their lengths and the window's share `fraction` of all time), or do.
    private func entriesWithin(
        _ window: PostingWindow, of keys: [[UInt8]], in database: Database, fraction: Double
    ) throws -> [IndexEntry]? {
        let cursor = try txn.cursor(database)
        defer { cursor.close() }
        var entries: [IndexEntry] = []
        var expected = 0.0
        for key in keys {
            var found =
                try window.lower.map { try cursor.seek(to: key, duplicateAtLeast: $0.bytes) } ?? cursor.seek(to: key)
            guard found else { continue }
            expected += Double(try cursor.duplicateCount()) * fraction
            guard expected <= Double(Self.gatheredEntriesLimit) else { return nil }
            while found {
                let entry = try cursor.withCurrent { _, value in try IndexEntry.decode(value, in: database) }
                if window.isPast(entry.posting, ascending: true) { break }
                if window.contains(entry.posting) { entries.append(entry) }
                guard entries.count <= Self.gatheredEntriesLimit else { return nil }
                found = try cursor.nextDuplicate()
            }
        }
        return entries
    }

    /// The most entries a list path reads up front while it is planned.
    static let gatheredEntriesLimit = 256
    /// Up to this many (agent, context) lists, the agent and context lists are not considered.
    static let pairKeysSkippingSingleLists = 32
    static let confidenceKeysCounted = 1024
    static let confidenceEstimateThreshold = 256.0

    /// The share of all nodes expected inside `window`, from the first and last timestamps in
    /// `idx.time` (1 when the window is open on both sides).
    private func timeFraction(_ window: PostingWindow) throws -> Double {
        guard window.lower != nil || window.upper != nil else { return 1 }
        let cursor = try txn.cursor(schema.byTime)
        defer { cursor.close() }
        guard try cursor.first() else { return 0 }
        let first = cursor.withCurrent { key, _ in Posting(exactly: key)?.timestamp.value }
        try cursor.last()
        let last = cursor.withCurrent { key, _ in Posting(exactly: key)?.timestamp.value }
        guard let first, let last else {
            throw MemoryGraphError(.corruption, "a key of idx.time is not 24 bytes; run `memory-graph verify`")
        }
        let low = max(Double(first), window.lower.map { Double($0.timestamp.value) } ?? -.infinity)
        let high = min(Double(last) + 1, window.upper.map { Double($0.timestamp.value) + 1 } ?? .infinity)
        guard high > low else { return 0 }
        return min(1, (high - low) / (Double(last) + 1 - Double(first)))
    }
}

extension Schema {
    /// The database a list path of `kind` reads.
    func database(of kind: AccessPath.Kind) -> Database {
        switch kind {
        case .agentContext: byAgentContext
        case .agent: byAgent
        case .context: byContext
        case .type: byType
        case .confidence: byConfidence
        case .linkedFrom: linksOut
        case .linkedTo: linksIn
        case .time: byTime
        }
    }
}
