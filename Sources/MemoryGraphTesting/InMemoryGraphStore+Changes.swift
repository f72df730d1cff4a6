import Foundation
public import MemoryGraphCore

/// The change log: a list of entries, appended by each mutation's change in the batch's lock,
/// and trimmed after the batch as ``MemoryGraph/Configuration/changeRetention`` says.
extension InMemoryGraphStore {
    /// An entry with the node's earlier version, when the change kept one.
    struct LoggedChange: Sendable {
        var change: GraphChange
        var previous: MemoryNode?
    }

    public func currentSequence() throws -> UInt64 { try snapshot().lastSequence }

    public func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) throws -> ChangePage {
        let state = try snapshot()
        let oldest = state.log.first?.change.sequence ?? state.lastSequence &+ 1
        if sequence < state.lastSequence, sequence &+ 1 < oldest {
            throw MemoryGraphError.changesTruncated(after: sequence, oldest: oldest)
        }
        var page = ChangePage(changes: [], scannedThrough: sequence)
        guard limit > 0 else { return page }
        let start = state.log.partitioningIndex { $0.change.sequence > sequence }
        for entry in state.log[start...].prefix(ChangePage.maximumScanned) {
            guard page.changes.count < limit else { break }
            page.scannedThrough = entry.change.sequence
            if filter.matches(entry.change) { page.changes.append(entry.change) }
        }
        return page
    }

    public func history(of id: NodeID) throws -> [MemoryNode] {
        let state = try snapshot()
        let earlier = state.log.reversed().compactMap { entry in
            entry.change.nodeID == id ? entry.previous : nil
        }
        return (state.node(id).map { [$0] } ?? []) + earlier
    }

    /// Returns once the log holds entries after `sequence`, after `timeout`, or on cancellation.
    public func waitForChanges(after sequence: UInt64, timeout: Duration) async {
        let generation = commits.generation
        guard let last = try? snapshot().lastSequence, last <= sequence else { return }
        await commits.wait(after: generation, timeout: timeout)
    }
}

extension InMemoryGraphStore.State {
    /// Appends an entry for a change of `node` (its id, agent, context and version).
    mutating func log(_ kind: GraphChange.Kind, _ node: MemoryNode, previous: MemoryNode? = nil) {
        append(
            GraphChange(
                sequence: 0, committedAt: commitTime, kind: kind, nodeID: node.id, agentID: node.agentID,
                taskContext: node.taskContext, version: node.version),
            previous: previous)
    }

    /// Appends an entry for a change of the link from `source` to `target`.
    mutating func logLink(_ kind: GraphChange.Kind, from source: NodeID, to target: NodeID) {
        let node = nodes[source]?.node
        append(
            GraphChange(
                sequence: 0, committedAt: commitTime, kind: kind, nodeID: source, targetID: target,
                agentID: node?.agentID, taskContext: node?.taskContext))
    }

    /// Appends an entry for a change of bundle `id`.
    mutating func logBundle(_ kind: GraphChange.Kind, _ id: BundleID) {
        append(GraphChange(sequence: 0, committedAt: commitTime, kind: kind, bundleID: id))
    }

    private mutating func append(_ change: GraphChange, previous: MemoryNode? = nil) {
        var change = change
        lastSequence += 1
        change.sequence = lastSequence
        log.append(InMemoryGraphStore.LoggedChange(change: change, previous: previous))
        appendedInBatch += 1
    }

    /// Drops the oldest entries beyond `retention`, at most as many as the batch appended plus
    /// 1 024 (as the LMDB store does).
    mutating func trimLog(_ retention: MemoryGraph.ChangeRetention) {
        let oldestKept = retention.maximumAge.map { commitTime.addingTimeInterval(-$0) }
        var budget = appendedInBatch + 1024
        var drop = 0
        while budget > 0, drop < log.count {
            let tooMany = retention.maximumEntries.map { log.count - drop > $0 } ?? false
            let tooOld = oldestKept.map { log[drop].change.committedAt < $0 } ?? false
            guard tooMany || tooOld else { break }
            drop += 1
            budget -= 1
        }
        log.removeFirst(drop)
    }
}

extension Array {
    /// The index of the first element for which `belongs` holds, in an array where every
    /// element for which it holds comes after every one for which it does not.
    fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
