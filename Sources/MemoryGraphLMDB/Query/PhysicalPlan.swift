import LMDB
import MemoryGraphCore

/// How a query runs, decided before any candidate is read: the access path that drives, the
/// lists intersected with it, the link lists that filter it, the criteria checked on each
/// candidate, and when to stop. A value: ``QueryPlan`` (what `explain` shows) is built from it
/// and the executor's figures, and the executor (``StoreTransaction/execute(_:_:positioned:)``)
/// does exactly what it says.
struct PhysicalPlan {
    /// Why nothing is read, when nothing can match (a name that was never stored, limit 0).
    var nothing: String?
    /// The path whose postings are the candidates.
    var driver: AccessPath
    /// Every path considered, cheapest first.
    var considered: [AccessPath]
    /// List paths intersected with the driver by seeking.
    var intersections: [AccessPath]
    /// Link criteria the driver does not answer: candidates must be in these link lists.
    var linkFilters: [(criterion: Criterion, origin: NodeID)]
    /// Criteria checked on each candidate (on its index entry when the driver's entries carry
    /// the fields, else on its record header).
    var checks: Set<Criterion>
    /// The most matches to produce.
    var limit: Int
    /// Whether the query runs oldest first.
    var ascending: Bool
    /// The confidences a confidence driver reads.
    var confidenceBounds: ClosedRange<Double>

    /// What the executor does, in order, for ``QueryPlan/steps``.
    var steps: [String] {
        if let nothing { return [nothing] }
        let order = ascending ? "oldest first" : "newest first"
        var steps: [String] = []
        switch driver.kind {
        case .linkedFrom, .linkedTo:
            steps.append("read \(driver.kind.rawValue) and each node's record header, sort \(order)")
        case .confidence:
            steps.append("read idx.confidence in \(confidenceBounds) within the time window, sort \(order)")
        case .time:
            steps.append("scan idx.time \(order) within the time window")
        case .agentContext, .agent, .context, .type:
            let lists =
                driver.keys.count > 1
                ? "\(driver.keys.count) posting lists of \(driver.kind.rawValue)"
                : "the posting list of \(driver.kind.rawValue)"
            steps.append(
                driver.readUpFront
                    ? "read \(lists) within the time window (\(driver.estimate) entries), sort \(order)"
                    : driver.keys.count > 1
                        ? "merge \(lists) \(order) within the time window"
                        : "read \(lists) \(order) within the time window")
        }
        for filter in linkFilters {
            steps.append(
                "keep only ids in \(filter.criterion == .linkedFrom ? "links.out" : "links.in") of \(filter.origin)")
        }
        for path in intersections { steps.append("intersect with \(path.name) by seeking to each candidate") }
        if !gathers, !checks.isEmpty {
            let names = checks.map(\.rawValue).sorted().joined(separator: ", ")
            steps.append(
                driver.carriesFields ? "check on the index entry: \(names)" : "check on the record header: \(names)")
        }
        if limit < Int.max { steps.append("stop after \(limit) matches") }
        return steps
    }

    /// Whether the driver applies every filter while it gathers its candidates (the link paths).
    var gathers: Bool { driver.kind == .linkedFrom || driver.kind == .linkedTo }

    /// What `explain` shows: this plan with the figures of running it.
    func explained(examined: Int, checked: Int, matched: Int) -> QueryPlan {
        QueryPlan(
            accessPath: nothing == nil ? driver.name : "none",
            estimates: considered.map { QueryPlan.Estimate(accessPath: $0.name, estimatedCandidates: $0.estimate) },
            steps: steps,
            candidatesExamined: examined, recordsChecked: checked, matched: matched, returned: 0)
    }
}

extension StoreTransaction {
    /// Plans `query` for up to `limit` matches: the cheapest access path drives; link criteria
    /// are checked against the link lists; whatever is left is checked on the driver's index
    /// entries when they carry filter fields, otherwise other list criteria are intersected by
    /// seeking when that saves record reads, and the rest is checked on the record header.
    func plan(_ query: ResolvedQuery, limit: Int, positioned: PositionedSources) throws -> PhysicalPlan {
        let none = AccessPath(kind: .time, keys: [], covers: [], estimate: 0, cost: 0)
        guard !query.matchesNothing, limit > 0 else {
            return PhysicalPlan(
                nothing: query.matchesNothing ? "a criterion matches no node; nothing is read" : "limit is 0",
                driver: none, considered: [], intersections: [], linkFilters: [], checks: [], limit: limit,
                ascending: query.ascending, confidenceBounds: query.confidenceBounds)
        }
        let paths = try accessPaths(for: query, positioned: positioned)
        let driver = paths[0]
        var uncovered = query.criteria.subtracting(driver.covers)
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
        var linkFilters: [(criterion: Criterion, origin: NodeID)] = []
        for (criterion, origin) in [(Criterion.linkedFrom, query.linkedFrom), (.linkedTo, query.linkedTo)]
        where uncovered.contains(criterion) {
            guard let origin else { continue }
            linkFilters.append((criterion, origin))
            uncovered.remove(criterion)
        }
        return PhysicalPlan(
            nothing: nil, driver: driver,
            considered: paths, intersections: intersections, linkFilters: linkFilters, checks: uncovered, limit: limit,
            ascending: query.ascending, confidenceBounds: query.confidenceBounds)
    }
}
