import Foundation
public import MemoryGraphCore

/// Queries: every node is checked against every criterion, the matches sorted in the query's
/// order and cut after the cursor.
extension InMemoryGraphStore {
    /// Up to `query.limit + 1` matching nodes strictly after `cursor` in the query's order.
    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) throws -> [MemoryNode] {
        let state = try snapshot()
        return state.matching(query, after: cursor?.last).prefix(Self.pageAndOne(query)).compactMap {
            state.node($0.posting.id)
        }
    }

    /// The ids of the first `query.limit` matching nodes.
    public func queryIDs(_ query: MemoryQuery) throws -> [NodeID] {
        try snapshot().matching(query, after: nil).prefix(max(0, query.limit)).map(\.posting.id)
    }

    /// How many nodes match `query`.
    public func count(_ query: MemoryQuery) throws -> Int {
        try snapshot().matching(query, after: nil).count
    }

    /// The plan of a brute-force scan: access path `scan`, every node read and checked.
    public func explain(_ query: MemoryQuery) throws -> QueryPlan {
        let state = try snapshot()
        let matches = state.matching(query, after: nil).count
        let limit = Self.pageAndOne(query)
        let order = query.order == .oldestFirst ? "oldest first" : "newest first"
        return QueryPlan(
            accessPath: "scan",
            estimates: [QueryPlan.Estimate(accessPath: "scan", estimatedCandidates: state.nodes.count)],
            steps: [
                "read every node and check every criterion on it", "sort the matches \(order)",
                "stop after \(limit) matches",
            ],
            candidatesExamined: state.nodes.count, recordsChecked: state.nodes.count, matched: min(matches, limit),
            returned: min(matches, max(0, query.limit)))
    }

    /// A page and one more node: the extra one tells the facade a next page exists.
    private static func pageAndOne(_ query: MemoryQuery) -> Int {
        query.limit < Int.max ? max(0, query.limit + 1) : .max
    }
}

extension InMemoryGraphStore.State {
    /// The nodes that match `query`, strictly after `cursor` when given, in the query's order.
    func matching(_ query: MemoryQuery, after cursor: Posting?) -> [InMemoryGraphStore.StoredNode] {
        let window = query.timeRange.map {
            Microseconds(atOrAfter: $0.lowerBound)..<Microseconds(atOrAfter: $0.upperBound)
        }
        let ascending = query.order == .oldestFirst
        let linkedFrom = query.linkedFrom.map { links[$0] ?? [] }
        let matches = nodes.values.filter { stored in
            let node = stored.node
            if let agents = query.agentIDs, !agents.contains(node.agentID) { return false }
            if let contexts = query.contexts, !contexts.contains(node.taskContext) { return false }
            if let types = query.types, !(stored.type.map(types.contains) ?? false) { return false }
            if let window, !window.contains(stored.posting.timestamp) { return false }
            if query.minConfidence != nil || query.maxConfidence != nil {
                guard let confidence = stored.confidence else { return false }
                if let minimum = query.minConfidence, confidence < minimum { return false }
                if let maximum = query.maxConfidence, confidence > maximum { return false }
            }
            if let linkedFrom, !linkedFrom.contains(node.id) { return false }
            if let target = query.linkedTo, !(links[node.id]?.contains(target) ?? false) { return false }
            if let cursor, ascending ? !cursor.precedes(stored.posting) : !stored.posting.precedes(cursor) {
                return false
            }
            return true
        }
        return matches.sorted { ascending ? $0.posting.precedes($1.posting) : $1.posting.precedes($0.posting) }
    }
}
