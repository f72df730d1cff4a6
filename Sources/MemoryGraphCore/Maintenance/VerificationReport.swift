/// One inconsistency found by ``MemoryGraph/verify()``.
public struct VerificationProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of inconsistency.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A node or bundle record that does not decode.
        case undecodableRecord
        /// An index entry naming a missing node, or filed under a key that does not match the node.
        case orphanIndexEntry
        /// A node missing from an index it belongs to.
        case missingIndexEntry
        /// A link without its mirror entry (in `links.in`, or among the out-links its source's
        /// record carries), or from or to a missing node.
        case oneSidedLink
        /// A distinct-key counter in `meta` that disagrees with its index.
        case wrongCounter
        /// A bundle naming a missing node, or bundle indexes that disagree with bundle records.
        case danglingBundleMember
        /// `dict` and `dict.rev` that are not mirror images, or a record using an unknown interned id.
        case dictionaryMismatch
    }

    /// What kind of inconsistency.
    public var kind: Kind
    /// The named database where it was found, e.g. `idx.agent`.
    public var database: String
    /// The ids and keys involved.
    public var detail: String

    /// A problem of `kind` in `database`.
    public init(kind: Kind, database: String, detail: String) {
        self.kind = kind
        self.database = database
        self.detail = detail
    }

    /// `kind in database: detail`.
    public var description: String { "\(kind.rawValue) in \(database): \(detail)" }
}

/// What ``MemoryGraph/verify()`` found.
public struct VerificationReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every inconsistency, in the order found.
    public var problems: [VerificationProblem]
    /// Node records read.
    public var nodesChecked: Int
    /// Bundle records read.
    public var bundlesChecked: Int

    /// A report of `problems` after reading these records.
    public init(problems: [VerificationProblem], nodesChecked: Int, bundlesChecked: Int) {
        self.problems = problems
        self.nodesChecked = nodesChecked
        self.bundlesChecked = bundlesChecked
    }

    /// Whether nothing was found.
    public var isClean: Bool { problems.isEmpty }

    /// A summary line, then one line per problem.
    public var description: String {
        let summary =
            "checked \(nodesChecked) nodes and \(bundlesChecked) bundles: "
            + (isClean ? "no problems" : "\(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return ([summary] + problems.map(\.description)).joined(separator: "\n")
    }
}
