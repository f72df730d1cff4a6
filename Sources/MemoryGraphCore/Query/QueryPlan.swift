/// How a query was (or would be) answered: the access path the planner chose, the estimates
/// that made it choose, and what running it cost. Returned by ``MemoryGraph/explain(_:)``.
///
/// ```text
/// access path: idx.agent_context (6 lists)
/// estimates:   idx.agent_context (6 lists) ≈ 497 · idx.type (2 lists) ≈ 11271 · idx.confidence ≈ 33960 · idx.time ≈ 67779
/// steps:       merge 6 posting lists of idx.agent_context newest first within the time window
///              check on the index entry: confidence, type
///              stop after 21 matches
/// actual:      193 postings read, 0 headers checked, 21 matched, 20 returned
/// ```
public struct QueryPlan: Sendable, Hashable, CustomStringConvertible {
    /// One access path the planner considered.
    public struct Estimate: Sendable, Hashable {
        /// The index the path reads, e.g. `idx.agent_context`.
        public var accessPath: String
        /// How many postings the planner expects the path to produce.
        public var estimatedCandidates: Int

        /// An estimate of `estimatedCandidates` postings from `accessPath`.
        public init(accessPath: String, estimatedCandidates: Int) {
            self.accessPath = accessPath
            self.estimatedCandidates = estimatedCandidates
        }
    }

    /// The chosen access path.
    public var accessPath: String
    /// Every path considered, cheapest first.
    public var estimates: [Estimate]
    /// What the executor does, in order.
    public var steps: [String]
    /// Postings read from the chosen path.
    public var candidatesExamined: Int
    /// Node record headers read to check the remaining criteria.
    public var recordsChecked: Int
    /// Candidates that satisfied every criterion (up to the limit, plus one to detect a next page).
    public var matched: Int
    /// Nodes the query returns on its first page.
    public var returned: Int

    /// A plan with these figures.
    public init(
        accessPath: String, estimates: [Estimate], steps: [String], candidatesExamined: Int, recordsChecked: Int,
        matched: Int, returned: Int
    ) {
        self.accessPath = accessPath
        self.estimates = estimates
        self.steps = steps
        self.candidatesExamined = candidatesExamined
        self.recordsChecked = recordsChecked
        self.matched = matched
        self.returned = returned
    }

    /// A multi-line, human-readable plan.
    public var description: String {
        let estimateLine = estimates.map { "\($0.accessPath) ≈ \($0.estimatedCandidates)" }.joined(separator: " · ")
        var lines = [
            "access path: \(accessPath)",
            "estimates:   \(estimateLine.isEmpty ? "none (nothing can match)" : estimateLine)",
        ]
        for (index, step) in steps.enumerated() {
            lines.append((index == 0 ? "steps:       " : "             ") + step)
        }
        lines.append(
            "actual:      \(candidatesExamined) postings read, \(recordsChecked) headers checked, "
                + "\(matched) matched, \(returned) returned")
        return lines.joined(separator: "\n")
    }
}
