import LMDB
import MemoryGraphCore

/// The postings a query run matched, with the plan and the figures of running it.
struct QueryRun {
    var postings: [Posting]
    var physicalPlan: PhysicalPlan
    var examined: Int
    var checked: Int

    /// What ``MemoryGraph/explain(_:)`` shows; built only when asked for, since its prose costs
    /// a few percent of a query.
    var plan: QueryPlan {
        physicalPlan.explained(examined: examined, checked: checked, matched: postings.count)
    }
}

extension StoreTransaction {
    /// Plans and runs `query` in this transaction: up to `limit` matching postings, in order.
    func run(_ query: ResolvedQuery, limit: Int) throws -> QueryRun {
        let positioned = PositionedSources()
        return try execute(plan(query, limit: limit, positioned: positioned), query, positioned: positioned)
    }

    /// Runs `plan`: reads the driver's candidates, intersects, filters and checks each, and
    /// stops at the plan's limit.
    func execute(_ plan: PhysicalPlan, _ query: ResolvedQuery, positioned: PositionedSources) throws -> QueryRun {
        guard plan.nothing == nil else {
            return QueryRun(postings: [], physicalPlan: plan, examined: 0, checked: 0)
        }
        let driver = plan.driver
        var allowed: Set<NodeID>?
        for filter in plan.linkFilters {
            let ids = Set(
                try filter.criterion == .linkedFrom ? links(from: filter.origin) : backlinks(to: filter.origin))
            allowed = allowed.map { $0.intersection(ids) } ?? ids
        }
        let checks = plan.checks
        var examined = 0
        var checked = 0
        let source: any PostingSource
        switch driver.kind {
        case .linkedFrom, .linkedTo:
            let origin = driver.kind == .linkedFrom ? query.linkedFrom : query.linkedTo
            let ids = try origin.map { driver.kind == .linkedFrom ? try links(from: $0) : try backlinks(to: $0) } ?? []
            var entries: [IndexEntry] = []
            for id in ids {
                examined += 1
                guard let header = try header(of: id) else {
                    throw MemoryGraphError(
                        .corruption,
                        "\(driver.kind.rawValue) names node \(id), which does not exist; run `memory-graph verify`")
                }
                checked += 1
                let posting = header.posting(id)
                if query.window.contains(posting), allowed?.contains(id) ?? true,
                    query.matches(FilterFields(header), on: checks)
                {
                    entries.append(IndexEntry(posting: posting, fields: nil))
                }
            }
            source = SortedArraySource(entries, ascending: query.ascending)
        case .confidence:
            source = SortedArraySource(try confidenceEntries(query, examined: &examined), ascending: query.ascending)
        case .time:
            source = try TimeIndexSource(txn, schema.byTime, window: query.window, ascending: query.ascending)
        case .agentContext, .agent, .context, .type:
            source = try listSource(positioned.sources(of: driver, query: query, in: self), query)
        }
        // The gathering paths count what they read; the others count each candidate here.
        let counted = driver.kind == .confidence || plan.gathers
        let intersected = try plan.intersections.map {
            try listSource(positioned.sources(of: $0, query: query, in: self), query)
        }

        var postings: [Posting] = []
        candidates: while let candidate = source.current {
            for other in intersected {
                try other.seek(to: candidate)
                guard let next = other.current else { break candidates }
                if next != candidate {
                    try source.seek(to: next)
                    continue candidates
                }
            }
            if !counted { examined += 1 }
            if !plan.gathers {
                if let allowed, !allowed.contains(candidate.id) {
                    try source.advance()
                    continue
                }
                if !checks.isEmpty {
                    let fields: FilterFields
                    if let carried = source.fields {
                        fields = carried
                    } else {
                        guard let header = try header(of: candidate.id) else {
                            throw MemoryGraphError(
                                .corruption,
                                "\(driver.kind.rawValue) names node \(candidate.id), which does not exist; run `memory-graph verify`"
                            )
                        }
                        checked += 1
                        fields = FilterFields(header)
                    }
                    guard query.matches(fields, on: checks) else {
                        try source.advance()
                        continue
                    }
                }
            }
            if !query.excluded.isEmpty, query.excluded.contains(candidate.id) {
                try source.advance()
                continue
            }
            postings.append(candidate)
            if postings.count >= plan.limit { break }
            try source.advance()
        }
        return QueryRun(postings: postings, physicalPlan: plan, examined: examined, checked: checked)
    }

    /// The stream of a list path: its one source, or its sources merged.
    private func listSource(_ sources: [any PostingSource], _ query: ResolvedQuery) throws -> any PostingSource {
        sources.count == 1 ? sources[0] : try MergedSource(sources, ascending: query.ascending)
    }

    /// Every entry of `idx.confidence` within the query's confidence bounds and time window.
    private func confidenceEntries(_ query: ResolvedQuery, examined: inout Int) throws -> [IndexEntry] {
        let bounds = query.confidenceBounds
        let upper = (bounds.upperBound + 0).bitPattern
        var next = (bounds.lowerBound + 0).bitPattern
        var entries: [IndexEntry] = []
        let cursor = try txn.cursor(schema.byConfidence)
        defer { cursor.close() }
        while next <= upper, try cursor.seek(atLeast: IndexKey.confidence(Double(bitPattern: next))) {
            let key = cursor.withCurrent { key, _ in key.count == 8 ? key.bigEndianUInt64(at: 0) : nil }
            guard let key else {
                throw MemoryGraphError(.corruption, "a key of idx.confidence is not 8 bytes; run `memory-graph verify`")
            }
            guard key <= upper else { break }
            let keyBytes = IndexKey.confidence(Double(bitPattern: key))
            var found =
                if let lower = query.window.lower {
                    try cursor.seek(to: keyBytes, duplicateAtLeast: lower.bytes)
                } else {
                    true
                }
            while found {
                let posting = cursor.withCurrent { _, value in Posting(exactly: value) }
                guard let posting else {
                    throw MemoryGraphError(
                        .corruption, "an entry of idx.confidence is not 24 bytes; run `memory-graph verify`")
                }
                if query.window.isPast(posting, ascending: true) { break }
                examined += 1
                if query.window.contains(posting) { entries.append(IndexEntry(posting: posting, fields: nil)) }
                found = try cursor.nextDuplicate()
            }
            next = key + 1
        }
        return entries
    }
}
