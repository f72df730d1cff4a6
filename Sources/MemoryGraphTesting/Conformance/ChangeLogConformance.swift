import Foundation
import MemoryGraphCore
import Testing

/// The change log, the change feed, retention and history: what every backend must log the same
/// way, whatever its mechanism.
public enum ChangeLogConformance {
    /// An entry without its commit time, which differs between runs.
    struct Entry: Hashable, CustomStringConvertible {
        var kind: GraphChange.Kind
        var node: NodeID?
        var target: NodeID?
        var bundle: BundleID?
        var agent: String?
        var context: String?
        var version: Int?

        init(
            _ kind: GraphChange.Kind, node: NodeID? = nil, target: NodeID? = nil, bundle: BundleID? = nil,
            agent: String? = nil, context: String? = nil, version: Int? = nil
        ) {
            (self.kind, self.node, self.target, self.bundle) = (kind, node, target, bundle)
            (self.agent, self.context, self.version) = (agent, context, version)
        }

        init(_ change: GraphChange) {
            self.init(
                change.kind, node: change.nodeID, target: change.targetID, bundle: change.bundleID,
                agent: change.agentID, context: change.taskContext, version: change.version)
        }

        var description: String {
            "\(kind) node \(node.map(\.description) ?? "-") target \(target.map(\.description) ?? "-") "
                + "bundle \(bundle.map(\.description) ?? "-") \(agent ?? "-")/\(context ?? "-") v\(version ?? 0)"
        }
    }

    /// Every kind of change is logged once, in commit order, with the node's agent, context and
    /// version; what changes nothing is not logged; filters, pages and a feed that does not
    /// follow read the same entries; history lists a node's versions newest first, and a
    /// removed node's last version stays readable.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func changes(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        #expect(try await graph.currentSequence() == 0)
        #expect(try await graph.changePage().changes.isEmpty)
        let before = Date().addingTimeInterval(-1)

        let a = try await graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
        let draft = NodeDraft(
            id: NodeID(), agentID: "critic", taskContext: "trip-43", result: ["type": "critique"], links: [a])
        let b = try #require(draft.id)
        try await graph.addNodes([draft])
        try await graph.addNodes([draft])  // a retried add stores nothing, and logs nothing
        #expect(try await graph.link(from: a, to: b))
        #expect(try await !graph.link(from: a, to: b))
        #expect(try await graph.unlink(from: a, to: b))
        #expect(try await !graph.unlink(from: a, to: b))
        try await graph.updateNode(a, result: ["type": "fact", "n": 2], expectedVersion: 1)
        await expectError(.versionConflict) { try await graph.updateNode(a, metadata: [:], expectedVersion: 1) }
        _ = try await graph.modify(a) { _ in NodeUpdate(metadata: ["n": 3]) }
        let bundle = try await graph.createBundle(taskID: "task-1", nodeIDs: [a])
        try await graph.addToBundle(bundle, nodeIDs: [a])  // already there: no change
        try await graph.addToBundle(bundle, nodeIDs: [b])
        #expect(try await graph.removeBundle(bundle))
        #expect(try await graph.removeNode(b))
        #expect(try await !graph.removeNode(b))
        let after = Date().addingTimeInterval(1)

        let expected = [
            Entry(.nodeAdded, node: a, agent: "planner", context: "trip-42", version: 1),
            Entry(.nodeAdded, node: b, agent: "critic", context: "trip-43", version: 1),
            Entry(.linked, node: a, target: b, agent: "planner", context: "trip-42"),
            Entry(.unlinked, node: a, target: b, agent: "planner", context: "trip-42"),
            Entry(.nodeUpdated, node: a, agent: "planner", context: "trip-42", version: 2),
            Entry(.nodeUpdated, node: a, agent: "planner", context: "trip-42", version: 3),
            Entry(.bundleCreated, bundle: bundle),
            Entry(.bundleChanged, bundle: bundle),
            Entry(.bundleRemoved, bundle: bundle),
            Entry(.nodeRemoved, node: b, agent: "critic", context: "trip-43", version: 1),
        ]
        let logged = try await allChanges(graph)
        #expect(logged.map(Entry.init) == expected)
        #expect(logged.map(\.sequence) == Array(1...UInt64(expected.count)))
        #expect(logged.allSatisfy { $0.committedAt >= before && $0.committedAt <= after })
        #expect(try await graph.currentSequence() == UInt64(expected.count))

        // Filters, pages and the feed read the same entries.
        let updates = try await graph.changePage(matching: ChangeFilter(kinds: [.nodeUpdated]))
        #expect(updates.changes.map(\.sequence) == [5, 6] && updates.scannedThrough == 10)
        let critic = try await graph.changePage(matching: ChangeFilter(agentIDs: ["critic"]))
        #expect(critic.changes.map(\.sequence) == [2, 10])
        let context = try await graph.changePage(
            matching: ChangeFilter(contexts: ["trip-42"], kinds: [.nodeAdded, .linked]))
        #expect(context.changes.map(\.sequence) == [1, 3])
        let page = try await graph.changePage(after: 3, limit: 2)
        #expect(page.changes.map(\.sequence) == [4, 5] && page.scannedThrough == 5)
        #expect(try await graph.changePage(after: 10).changes.isEmpty)
        var fed: [GraphChange] = []
        for try await change in graph.changes(after: 2, follow: false) { fed.append(change) }
        #expect(fed == Array(logged.dropFirst(2)))
        await expectError(.invalidArgument) { try await graph.changePage(limit: 0) }

        // History: newest first, earlier versions without links; a removed node keeps its last.
        let history = try await graph.history(of: a)
        #expect(history.map(\.version) == [3, 2, 1])
        #expect(history.map { $0.result["type"] } == ["fact", "fact", "plan"])
        #expect(history.map(\.metadata) == [["n": 3], [:], [:]])
        #expect(history.first == (try await graph.node(a)))
        let removed = try await graph.history(of: b)
        #expect(removed.map(\.version) == [1] && removed.first?.links == [] && removed.first?.agentID == "critic")
        #expect(try await graph.history(of: NodeID()).isEmpty)

        if store.canReopen {
            try await store.reopen()
            #expect(try await allChanges(store.graph) == logged)
            #expect(try await store.graph.history(of: a) == history)
            let next = try await store.graph.addNode(agentID: "planner", taskContext: "trip-42", result: [:])
            let entry = try await store.graph.changePage(after: 10).changes
            #expect(entry.map(\.sequence) == [11] && entry.first?.nodeID == next)
        }

        // A feed that does not follow ends where the log ended when it was first read, though
        // writes go on meanwhile.
        let current = store.graph
        var unfollowed = current.changes(after: 0, follow: false).makeAsyncIterator()
        var seen = try await [unfollowed.next()].compactMap(\.self)
        let end = try await current.currentSequence()
        for _ in 0..<3 { try await current.addNode(agentID: "planner", taskContext: "later", result: [:]) }
        while let change = try await unfollowed.next() { seen.append(change) }
        #expect(seen.map(\.sequence) == Array(1...end))
    }

    /// A consumer that follows the feed sees every change of concurrent writers exactly once and
    /// in order, and one that resumes from the last sequence it handled misses nothing.
    ///
    /// - Throws: When the store cannot be opened or written.
    public static func following(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        try await graph.addNode(agentID: "before", taskContext: "c", result: [:])
        let start = try await graph.currentSequence()
        let writers = 4
        let perWriter = 50
        let consumer = Task {
            var seen: [GraphChange] = []
            for try await change in graph.changes(after: start) {
                seen.append(change)
                if seen.count == writers * perWriter { break }
            }
            return seen
        }
        let written = try await withThrowingTaskGroup(of: [NodeID].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var ids: [NodeID] = []
                    for index in 0..<perWriter {
                        ids.append(
                            try await graph.addNode(
                                agentID: "writer-\(writer)", taskContext: "c", result: ["n": .int(index)]))
                    }
                    return ids
                }
            }
            return try await group.reduce(into: Set<NodeID>()) { $0.formUnion($1) }
        }
        let seen = try await consumer.value
        #expect(seen.map(\.sequence) == Array(start + 1...start + UInt64(writers * perWriter)))
        #expect(Set(seen.compactMap(\.nodeID)) == written)
        for writer in 0..<writers {
            let own = seen.filter { $0.agentID == "writer-\(writer)" }.count
            #expect(own == perWriter, "writer \(writer)")
        }

        // Resuming after a handled sequence: the rest, exactly.
        let resumedAfter = seen[99].sequence
        var rest: [GraphChange] = []
        for try await change in graph.changes(after: resumedAfter, follow: false) { rest.append(change) }
        #expect(rest == Array(seen[100...]))

        // A follower that is cancelled ends without an error.
        let idle = Task {
            var count = 0
            for try await _ in graph.changes(after: try await graph.currentSequence()) { count += 1 }
            return count
        }
        idle.cancel()
        #expect(try await idle.value == 0)
    }

    /// Retention keeps the newest entries: reading before the oldest kept is
    /// ``MemoryGraphError/Code/changesTruncated`` naming it, and history loses what was dropped;
    /// an age bound drops the entries of earlier commits.
    ///
    /// - Throws: When the store cannot be opened or written.
    public static func retention(on subject: ConformanceSubject) async throws {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.changeRetention = .init(maximumEntries: 10, maximumAge: nil)
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph
        let first = try await graph.addNode(agentID: "a", taskContext: "c", result: ["n": 0])
        try await graph.updateNode(first, result: ["n": 1])
        for index in 0..<23 { try await graph.addNode(agentID: "a", taskContext: "c", result: ["n": .int(index)]) }
        #expect(try await graph.currentSequence() == 25)
        do {
            _ = try await graph.changePage(after: 0)
            Issue.record("reading dropped changes succeeded")
        } catch let error as MemoryGraphError {
            #expect(error.code == .changesTruncated && error.oldestAvailableSequence == 16, "\(error)")
        }
        await expectError(.changesTruncated) { try await graph.changePage(after: 14) }
        let kept = try await graph.changePage(after: 15)
        #expect(kept.changes.map(\.sequence) == Array(16...25))
        #expect(try await graph.changePage(after: 25).changes.isEmpty)
        do {
            for try await _ in graph.changes(after: 3) { Issue.record("a truncated feed delivered a change") }
            Issue.record("a truncated feed ended without an error")
        } catch let error as MemoryGraphError {
            #expect(error.code == .changesTruncated)
        }
        #expect(try await graph.history(of: first).map(\.version) == [2], "the update's entry was dropped")

        // An age bound: each commit drops the entries of earlier commits that are older.
        var aging = MemoryGraph.Configuration.conformance
        aging.changeRetention = .init(maximumEntries: nil, maximumAge: 0.000_001)
        let aged = try await subject.makeStore(aging)
        defer { aged.close() }
        try await aged.graph.addNode(agentID: "a", taskContext: "c", result: [:])
        try await Task.sleep(for: .milliseconds(2))
        try await aged.graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try await aged.graph.currentSequence() == 2)
        // The second add's entry may be gone too, dropped by a later commit of the backend's own.
        let error = await expectError(.changesTruncated) { try await aged.graph.changePage(after: 0) }
        #expect((error?.oldestAvailableSequence ?? 0) >= 2)
    }

    /// Every entry of the log, oldest first.
    static func allChanges(_ graph: MemoryGraph) async throws -> [GraphChange] {
        var changes: [GraphChange] = []
        var position: UInt64 = 0
        while true {
            let page = try await graph.changePage(after: position, limit: 100)
            changes += page.changes
            guard page.scannedThrough > position else { return changes }
            position = page.scannedThrough
        }
    }
}
