import Foundation
import MemoryGraphCore

/// The criteria of a query that can restrict which nodes match.
enum Criterion: String, Hashable, Sendable, CaseIterable {
    case agent, context, type, confidence, linkedFrom, linkedTo
}

/// A query with its names resolved to interned ids and its time range (and page cursor) turned
/// into a posting window, all within one read transaction.
struct ResolvedQuery {
    var agents: Set<UInt32>?
    var contexts: Set<UInt32>?
    var types: Set<UInt32>?
    var minConfidence: Double?
    var maxConfidence: Double?
    var linkedFrom: NodeID?
    var linkedTo: NodeID?
    var window = PostingWindow()
    var ascending: Bool
    /// Whether some criterion rules out every node (an empty set, only unknown names, an empty range).
    var matchesNothing = false
    /// The nodes to leave out: those expired but not swept yet.
    var excluded: Set<NodeID> = []

    /// Resolves `query`; `after` is the last posting of the previous page.
    init(_ query: MemoryQuery, after: Posting?, store: StoreTransaction) throws {
        ascending = query.order == .oldestFirst
        agents = try Self.resolve(query.agentIDs, .agent, store)
        contexts = try Self.resolve(query.contexts, .context, store)
        types = try Self.resolve(query.types, .type, store)
        minConfidence = query.minConfidence
        maxConfidence = query.maxConfidence
        linkedFrom = query.linkedFrom
        linkedTo = query.linkedTo
        excluded = try store.hidden()
        for origin in [linkedFrom, linkedTo] where origin.map(excluded.contains) == true { matchesNothing = true }
        for set in [agents, contexts, types] where set?.isEmpty == true { matchesNothing = true }
        if let low = minConfidence, let high = maxConfidence, low > high { matchesNothing = true }
        if let low = minConfidence, low > 1 { matchesNothing = true }
        if let high = maxConfidence, high < 0 { matchesNothing = true }

        if let range = query.timeRange {
            window.lower = Posting(timestamp: Microseconds(atOrAfter: range.lowerBound), id: .minimum)
            window.upper = Posting(timestamp: Microseconds(atOrAfter: range.upperBound), id: .minimum)
            window.upperInclusive = false
        }
        if let after {
            if ascending, window.lower.map({ $0 <= after }) ?? true {
                window.lower = after
                window.lowerInclusive = false
            } else if !ascending, window.upper.map({ after <= $0 }) ?? true {
                window.upper = after
                window.upperInclusive = false
            }
        }
        if let lower = window.lower, let upper = window.upper, upper <= lower { matchesNothing = true }
    }

    private static func resolve(_ names: Set<String>?, _ kind: InternKind, _ store: StoreTransaction) throws
        -> Set<UInt32>?
    {
        guard let names else { return nil }
        var ids = Set<UInt32>()
        for name in names {
            if let id = try store.interner.id(of: name, kind: kind, in: store.txn) { ids.insert(id) }
        }
        return ids
    }

    /// The criteria other than time that restrict the result.
    var criteria: Set<Criterion> {
        var criteria = Set<Criterion>()
        if agents != nil { criteria.insert(.agent) }
        if contexts != nil { criteria.insert(.context) }
        if types != nil { criteria.insert(.type) }
        if minConfidence != nil || maxConfidence != nil { criteria.insert(.confidence) }
        if linkedFrom != nil { criteria.insert(.linkedFrom) }
        if linkedTo != nil { criteria.insert(.linkedTo) }
        return criteria
    }

    /// The confidence range the query accepts, within [0, 1].
    var confidenceBounds: ClosedRange<Double> {
        max(minConfidence ?? 0, 0)...max(min(maxConfidence ?? 1, 1), max(minConfidence ?? 0, 0))
    }

    /// Whether a node with `fields` satisfies each of `criteria` (those its fields can answer).
    func matches(_ fields: FilterFields, on criteria: Set<Criterion>) -> Bool {
        for criterion in criteria {
            switch criterion {
            case .agent: if agents?.contains(fields.agent) == false { return false }
            case .context: if contexts?.contains(fields.context) == false { return false }
            case .type:
                if let types, !(fields.type.map(types.contains) ?? false) { return false }
            case .confidence:
                guard let confidence = fields.confidence else { return false }
                if let minConfidence, confidence < minConfidence { return false }
                if let maxConfidence, confidence > maxConfidence { return false }
            case .linkedFrom, .linkedTo: continue
            }
        }
        return true
    }
}

extension TimeOrderedID {
    /// The smallest id, all zero bits.
    static var minimum: Self { Self(high: 0, low: 0) }
}
