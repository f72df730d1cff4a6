import MemoryGraphCore
import LMDB

/// The postings a query run matched, with the plan and figures ``MemoryGraph/explain(_:)`` shows.
struct QueryRun {
    var postings: [Posting]
    var plan: QueryPlan
}

extension StoreTransaction {
    /// Plans and runs `query` in this transaction: up to `limit` matching postings, in order.
    ///
    /// The cheapest access path drives; link criteria are checked against the link list, and
    /// whatever is left is checked on the driver's index entries when they carry filter fields.
    /// Otherwise other list criteria are intersected by seeking when that saves record reads,
    /// and the rest is checked on the record header.
    func run(_ query: ResolvedQuery, limit: Int) throws -> QueryRun {
        var plan = QueryPlan(
            accessPath: "none", estimates: [], steps: [], candidatesExamined: 0, recordsChecked: 0, matched: 0,
            returned: 0)
        guard !query.matchesNothing, limit > 0 else {
            plan.steps = [query.matchesNothing ? "a criterion matches no node; nothing is read" : "limit is 0"]
            return QueryRun(postings: [], plan: plan)
        }
        let paths = try accessPaths(for: query)
        let driver = paths[0]
        plan.accessPath = driver.name
        plan.estimates = paths.map { QueryPlan.Estimate(accessPath: $0.name, estimatedCandidates: $0.estimate) }
        var uncovered = query.criteria.subtracting(driver.covers)
        let order = query.ascending ? "oldest first" : "newest first"

        var intersections: [AccessPath] = []
        // A driver whose entries carry the filter fields checks them on each entry, cheaper than
        // any seek; otherwise each candidate either costs a record lookup (a header check) or,
        // intersected with another list, a seek per list. An intersection pays off when its
        // lists are few and it removes enough candidates before any remaining header check.
        if driver.kind != .linkedFrom && driver.kind != .linkedTo && !driver.carriesFields {
            let listKinds: Set<AccessPath.Kind> = [.agentContext, .agent, .context, .type]
            let population = Double(max(1, paths.first { $0.kind == .time }?.estimate ?? 1))
            var rows = Double(driver.estimate)
            for path in paths.sorted(by: { $0.estimate < $1.estimate })
            where listKinds.contains(path.kind) && path.covers.isSubset(of: uncovered) {
                let selectivity = min(1, Double(path.estimate) / population)
                let checkedAfter = !uncovered.subtracting(path.covers).subtracting([.linkedFrom, .linkedTo]).isEmpty
                let intersectCost =
                    AccessPath.intersectSeekCost * Double(path.keys.count) * rows
                    + (checkedAfter ? AccessPath.lookupCost * rows * selectivity : 0)
                guard intersectCost < AccessPath.lookupCost * rows else { continue }
                intersections.append(path)
                uncovered.subtract(path.covers)
                rows *= selectivity
            }
        }
        var allowed: Set<NodeID>?
        for (criterion, origin) in [(Criterion.linkedFrom, query.linkedFrom), (.linkedTo, query.linkedTo)]
        where uncovered.contains(criterion) {
            guard let origin else { continue }
            let ids = Set(try criterion == .linkedFrom ? links(from: origin) : backlinks(to: origin))
            allowed = allowed.map { $0.intersection(ids) } ?? ids
            uncovered.remove(criterion)
            plan.steps.append(
                "keep only ids in \(criterion == .linkedFrom ? "links.out" : "links.in") (\(ids.count) ids)")
        }
        let headerChecks = uncovered

        var examined = 0
        var checked = 0
        let source: any PostingSource
        var gathered = false  // the link paths apply every filter while gathering
        var counted = false  // the gathering paths count what they read
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
                    query.matches(FilterFields(header), on: headerChecks)
                {
                    entries.append(IndexEntry(posting: posting, fields: nil))
                }
            }
            source = SortedArraySource(entries, ascending: query.ascending)
            gathered = true
            counted = true
            plan.steps.insert(
                "read \(driver.kind.rawValue) (\(ids.count) ids) and each node's record header, sort \(order)", at: 0)
        case .confidence:
            let entries = try confidenceEntries(query, examined: &examined)
            source = SortedArraySource(entries, ascending: query.ascending)
            counted = true
            plan.steps.insert(
                "read idx.confidence in \(query.confidenceBounds) within the time window, sort \(order)", at: 0)
        case .time:
            source = try TimeIndexSource(txn, schema.byTime, window: query.window, ascending: query.ascending)
            plan.steps.insert("scan idx.time \(order) within the time window", at: 0)
        case .agentContext, .agent, .context, .type:
            source = try listSource(driver, query)
            let lists =
                driver.keys.count > 1
                ? "\(driver.keys.count) posting lists of \(driver.kind.rawValue)"
                : "the posting list of \(driver.kind.rawValue)"
            plan.steps.insert(
                driver.readUpFront
                    ? "read \(lists) within the time window (\(driver.estimate) entries), sort \(order)"
                    : driver.keys.count > 1
                        ? "merge \(lists) \(order) within the time window"
                        : "read \(lists) \(order) within the time window", at: 0)
        }
        let intersected = try intersections.map { try listSource($0, query) }
        for path in intersections {
            plan.steps.append("intersect with \(path.name) by seeking to each candidate")
        }
        if !gathered, !headerChecks.isEmpty {
            let checks = headerChecks.map(\.rawValue).sorted().joined(separator: ", ")
            plan.steps.append(
                driver.carriesFields ? "check on the index entry: \(checks)" : "check on the record header: \(checks)")
        }
        if limit < Int.max { plan.steps.append("stop after \(limit) matches") }

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
            if !gathered {
                if let allowed, !allowed.contains(candidate.id) {
                    try source.advance()
                    continue
                }
                if !headerChecks.isEmpty {
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
                    guard query.matches(fields, on: headerChecks) else {
                        try source.advance()
                        continue
                    }
                }
            }
            postings.append(candidate)
            if postings.count >= limit { break }
            try source.advance()
        }
        plan.candidatesExamined = examined
        plan.recordsChecked = checked
        plan.matched = postings.count
        return QueryRun(postings: postings, plan: plan)
    }

    /// The stream of a list path: its one source, or its sources merged.
    private func listSource(_ path: AccessPath, _ query: ResolvedQuery) throws -> any PostingSource {
        path.sources.count == 1 ? path.sources[0] : try MergedSource(path.sources, ascending: query.ascending)
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
