import Foundation
import MemoryGraphCore
import Testing

/// Versions, updates with compare-and-set, read-modify-write and retry-safe adds: what every
/// backend must do the same way, whatever its mechanism.
public enum RevisionConformance {
    /// An update replaces what it gives, keeps the rest, makes the node one version newer and
    /// moves it between the type and confidence lists; a wrong expected version, a missing
    /// node or an invalid update is a typed error that writes nothing; versions survive a
    /// reopen and a dump.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func updates(on subject: ConformanceSubject) async throws {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.maximumPayloadSize = 4_096
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let timestamp = Date(microseconds: 1_760_000_000_000_000)
        let id = try await store.graph.addNode(
            agentID: "planner", taskContext: "trip-42", result: ["type": "plan", "confidence_score": 0.9],
            metadata: ["model": "m1"], timestamp: timestamp)
        let other = try await store.graph.addNode(
            agentID: "critic", taskContext: "trip-42", result: ["type": "critique"], links: [id])
        let added = try #require(try await store.graph.node(id))
        #expect(added.version == 1 && added.updatedAt == timestamp)

        // The result: type and confidence move, the metadata stays.
        let before = Date()
        let second = try await store.graph.updateNode(
            id, result: ["type": "fact", "confidence_score": 0.2, "text": "revised"], expectedVersion: 1)
        #expect(second == 2)
        var node = try #require(try await store.graph.node(id))
        #expect(node.version == 2 && node.type == "fact" && node.confidence == 0.2 && node.metadata == ["model": "m1"])
        #expect(node.timestamp == timestamp && node.updatedAt >= before.addingTimeInterval(-1))
        #expect(node.agentID == "planner" && node.taskContext == "trip-42")
        #expect(try await store.graph.backlinks(to: id) == [other])
        try await expectFound(id, types: ["fact"], minConfidence: 0.1, in: store.graph)
        try await expectFound(nil, types: ["plan"], minConfidence: nil, in: store.graph)
        try await expectFound(nil, types: ["fact"], minConfidence: 0.5, in: store.graph)
        let statistics = try await store.graph.statistics()
        #expect(statistics.types == 2 && statistics.nodes == 2, "critique and fact: \(statistics)")

        // The metadata alone, last writer wins.
        #expect(try await store.graph.updateNode(id, metadata: ["model": "m2"]) == 3)
        node = try #require(try await store.graph.node(id))
        #expect(node.result["text"] == "revised" && node.metadata == ["model": "m2"] && node.version == 3)

        // Refusals: each a typed error, nothing written.
        let unchanged = node
        do {
            try await store.graph.updateNode(id, result: ["type": "x"], expectedVersion: 2)
            Issue.record("a stale expected version was accepted")
        } catch let error as MemoryGraphError {
            #expect(error.code == .versionConflict && error.currentVersion == 3, "\(error)")
        }
        await expectError(.versionConflict) { try await store.graph.updateNode(id, metadata: [:], expectedVersion: 9) }
        await expectError(.invalidArgument) { try await store.graph.updateNode(id, metadata: [:], expectedVersion: 0) }
        await expectError(.invalidArgument) { try await store.graph.updateNode(id) }
        await expectError(.invalidArgument) {
            try await store.graph.updateNode(id, result: ["confidence_score": 1.5])
        }
        await expectError(.invalidArgument) { try await store.graph.updateNode(id, result: ["type": 7]) }
        await expectError(.payloadTooLarge) {
            try await store.graph.updateNode(id, metadata: ["big": .string(String(repeating: "x", count: 5_000))])
        }
        await expectError(.nodeNotFound) { try await store.graph.updateNode(NodeID(), metadata: [:]) }
        #expect(try await store.graph.node(id) == unchanged)

        // Imported revisions: versions from 1 to the limit; a node at the limit takes no update.
        for version in [0, -3, Limits.maximumVersion + 1] {
            await expectError(.invalidArgument) {
                try await store.graph.addNodes([
                    NodeDraft(
                        agentID: "a", taskContext: "c", result: [:],
                        revision: NodeRevision(version: version, updatedAt: timestamp))
                ])
            }
        }
        let highest = try await store.graph.addNodes([
            NodeDraft(
                agentID: "a", taskContext: "c", result: [:], timestamp: timestamp,
                revision: NodeRevision(version: Limits.maximumVersion, updatedAt: timestamp.addingTimeInterval(60)))
        ])[0]
        let imported = try #require(try await store.graph.node(highest))
        #expect(imported.version == Limits.maximumVersion && imported.updatedAt == timestamp.addingTimeInterval(60))
        await expectError(.invalidArgument) { try await store.graph.updateNode(highest, metadata: ["x": 1]) }
        #expect(try await store.graph.node(highest) == imported)
        #expect(try await store.graph.removeNode(highest))

        // Versions are stored: after a reopen, and in a dump and its restore.
        if store.canReopen {
            try await store.reopen()
            #expect(try await store.graph.node(id) == unchanged)
        }
        let space = try Workspace()
        let lines = try await store.graph.dumpLines()
        let restored = try await subject.makeStore(configuration)
        defer { restored.close() }
        try await restored.graph.restore(dumpAt: try space.write(lines, to: "revisions.jsonl"))
        #expect(try await restored.graph.dumpLines() == lines)
        #expect(try await restored.graph.node(id) == unchanged)
        #expect(try await restored.graph.updateNode(id, metadata: [:], expectedVersion: 3) == 4)
    }

    /// `modify` hands the closure the stored node and stores what it returns as the next
    /// version; `nil` writes nothing; what the closure throws comes back as it is, and an
    /// invalid update it returns is refused; both leave the node as it was.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func modify(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let id = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "counter", "count": 0])
        let after = try await graph.modify(id) { node in
            NodeUpdate(result: ["type": "counter", "count": .int((node.result["count"]?.intValue ?? 0) + 1)])
        }
        #expect(after.version == 2 && after.result["count"] == 1)
        #expect(try await graph.node(id) == after)
        let same = try await graph.modify(id) { _ in nil }
        #expect(same == after)
        do {
            _ = try await graph.modify(id) { node in throw ModifyRefusal(id: node.id) }
            Issue.record("the closure's error was not thrown")
        } catch let error as ModifyRefusal {
            #expect(error.id == id)
        }
        await expectError(.invalidArgument) {
            try await graph.modify(id) { _ in NodeUpdate(result: ["confidence_score": "high"]) }
        }
        await expectError(.nodeNotFound) { try await graph.modify(NodeID()) { _ in NodeUpdate(metadata: [:]) } }
        #expect(try await graph.node(id) == after)
        // The synchronous form, where the backend has one.
        if graph.store is any SynchronousGraphStore {
            let third = try modifySynchronously(graph, id) { _ in NodeUpdate(metadata: ["sync": true]) }
            #expect(third.version == 3 && third.metadata == ["sync": true])
        }
    }

    /// 8 tasks each make 500 increments of a counter in one node's result — half of them by
    /// compare-and-set with a retry on conflict, half by `modify`: the counter ends at exactly
    /// 4 000 and the node at version 4 001, so no increment was lost, and the change log holds
    /// versions 2 to 4 001 in order.
    ///
    /// - Throws: When the store cannot be opened, or a write fails other than by a conflict.
    public static func arbitration(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let id = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "counter", "count": 0])
        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var conflicts = 0
                    for _ in 0..<500 {
                        if task % 2 == 0 {
                            while true {
                                let node = try #require(try await graph.node(id))
                                let count = node.result["count"]?.intValue ?? 0
                                do {
                                    try await graph.updateNode(
                                        id, result: ["type": "counter", "count": .int(count + 1)],
                                        expectedVersion: node.version)
                                    break
                                } catch let error as MemoryGraphError where error.code == .versionConflict {
                                    conflicts += 1
                                }
                            }
                        } else {
                            try await graph.modify(id) { node in
                                NodeUpdate(
                                    result: [
                                        "type": "counter", "count": .int((node.result["count"]?.intValue ?? 0) + 1),
                                    ])
                            }
                        }
                    }
                    return conflicts
                }
            }
            return try await group.reduce(0, +)
        }
        let node = try #require(try await graph.node(id))
        #expect(node.result["count"] == 4_000, "\(conflicts) conflicts")
        #expect(node.version == 4_001)
        // The log holds each increment once, in commit order.
        var versions: [Int] = []
        for try await change in graph.changes(matching: ChangeFilter(kinds: [.nodeUpdated]), follow: false) {
            versions.append(change.version ?? 0)
        }
        #expect(versions == Array(2...4_001))
    }

    /// An add with a client-chosen id that exists with the same content succeeds with that id
    /// and adds nothing (a retried request); with other content it is a duplicate.
    ///
    /// - Throws: When the store cannot be opened or read.
    public static func retriedAdds(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let target = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let draft = NodeDraft(
            id: NodeID(), agentID: "scout", taskContext: "trip-42",
            result: ["type": "observation", "confidence_score": 0.5, "seen": ["x", 1, 2.5]],
            metadata: ["k": "v"], links: [target])
        let draftID = try #require(draft.id)
        #expect(try await graph.addNodes([draft]) == [draftID])
        let stored = try #require(try await graph.node(draftID))
        var retry = draft
        retry.timestamp = Date(microseconds: 1_000_000_000_000_000)  // a retry is stamped anew
        #expect(try await graph.addNodes([retry]) == [draftID])
        let freshID = NodeID()
        let fresh = NodeDraft(id: freshID, agentID: "scout", taskContext: "trip-42", result: [:])
        #expect(try await graph.addNodes([draft, fresh]) == [draftID, freshID])
        #expect(try await graph.node(stored.id) == stored)
        #expect(try await graph.statistics().nodes == 3)
        for changed in [
            NodeDraft(id: draft.id, agentID: "critic", taskContext: "trip-42", result: draft.result, links: [target]),
            NodeDraft(id: draft.id, agentID: "scout", taskContext: "trip-42", result: draft.result, links: [target]),
            NodeDraft(
                id: draft.id, agentID: "scout", taskContext: "trip-42", result: ["type": "observation"],
                metadata: ["k": "v"], links: [target]),
            NodeDraft(
                id: draft.id, agentID: "scout", taskContext: "trip-42", result: draft.result, metadata: ["k": "v"]),
        ] {
            await expectError(.duplicateID) { try await graph.addNodes([changed]) }
        }
        await expectError(.duplicateID) { try await graph.addNodes([fresh, fresh]) }
        #expect(try await graph.statistics().nodes == 3)
        #expect(try await graph.node(stored.id) == stored)
    }

    private static func modifySynchronously(
        _ graph: MemoryGraph, _ id: NodeID, _ body: @escaping @Sendable (MemoryNode) throws -> NodeUpdate?
    ) throws -> MemoryNode {
        try graph.modify(id, body)
    }

    private static func expectFound(
        _ id: NodeID?, types: Set<String>, minConfidence: Double?, in graph: MemoryGraph,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        var query = MemoryQuery()
        query.agentIDs = ["planner"]
        query.types = types
        query.minConfidence = minConfidence
        #expect(try await graph.queryIDs(query) == (id.map { [$0] } ?? []), sourceLocation: sourceLocation)
        #expect(try await graph.count(query) == (id == nil ? 0 : 1), sourceLocation: sourceLocation)
        var byType = MemoryQuery()
        byType.types = types
        byType.minConfidence = minConfidence
        #expect(try await graph.queryIDs(byType) == (id.map { [$0] } ?? []), sourceLocation: sourceLocation)
    }

    private static func expectError<T>(
        _ code: MemoryGraphError.Code, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
        } catch let error as MemoryGraphError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }
}
