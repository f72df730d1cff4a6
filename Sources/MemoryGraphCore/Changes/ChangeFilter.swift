/// Which changes a reader of the change log wants: each given set narrows, `nil` takes all.
///
/// ```swift
/// let filter = ChangeFilter(contexts: ["trip-42"], kinds: [.nodeAdded, .nodeUpdated])
/// for try await change in graph.changes(after: lastSeen, matching: filter) { … }
/// ```
///
/// An entry without an agent or context (a bundle's) matches only a filter without
/// ``agentIDs`` and ``taskContexts``.
public struct ChangeFilter: Sendable, Hashable, Codable {
    /// Only changes of nodes (and links from nodes) of these agents.
    public var agentIDs: Set<String>?
    /// Only changes of nodes (and links from nodes) in these task contexts.
    public var taskContexts: Set<String>?
    /// Only changes of these kinds.
    public var kinds: Set<GraphChange.Kind>?

    /// A filter; the default takes every change.
    public init(agentIDs: Set<String>? = nil, contexts: Set<String>? = nil, kinds: Set<GraphChange.Kind>? = nil) {
        self.agentIDs = agentIDs
        self.taskContexts = contexts
        self.kinds = kinds
    }

    /// Every change.
    public static let all = ChangeFilter()

    /// Whether `change` passes the filter.
    public func matches(_ change: GraphChange) -> Bool {
        if let kinds, !kinds.contains(change.kind) { return false }
        if let agentIDs, !change.agentID.map(agentIDs.contains).isTrue { return false }
        if let taskContexts, !change.taskContext.map(taskContexts.contains).isTrue { return false }
        return true
    }
}

extension Optional<Bool> {
    fileprivate var isTrue: Bool { self ?? false }
}
