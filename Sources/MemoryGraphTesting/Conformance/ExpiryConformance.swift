import Foundation
import MemoryGraphCore
import Testing

/// Expiry: a node is invisible to every read from the moment it expires, before any sweep;
/// the sweep — explicit, or first in any write — removes it as a removal would and logs it.
public enum ExpiryConformance {
    /// Every read path leaves out an expired node; writes do not see it either; the sweep
    /// removes it with its links and memberships, logged as `nodeExpired`; updates set and clear
    /// expiries; bad expiries are refused.
    ///
    /// - Throws: When the store cannot be opened, written or read.
    public static func expiry(on subject: ConformanceSubject) async throws {
        let start = Date(microseconds: 1_780_000_000_000_000)
        let clock = ManualClock(start)
        var configuration = MemoryGraph.Configuration.conformance
        configuration.currentTime = clock.read
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph

        let keeper = try await graph.addNode(agentID: "planner", taskContext: "trip", result: ["type": "plan"])
        let brief = NodeDraft(
            id: NodeID(), agentID: "planner", taskContext: "trip", result: ["type": "note", "confidence_score": 0.4],
            links: [keeper], expiresAt: start.addingTimeInterval(10))
        let later = NodeDraft(
            id: NodeID(), agentID: "critic", taskContext: "trip", result: ["type": "note"],
            expiresAt: start.addingTimeInterval(20))
        try await graph.addNodes([brief, later])
        let (briefID, laterID) = (try #require(brief.id), try #require(later.id))
        try await graph.link(from: keeper, to: briefID)
        let bundle = try await graph.createBundle(taskID: "task", nodeIDs: [keeper, briefID])
        #expect(try await graph.node(briefID)?.expiresAt == start.addingTimeInterval(10))
        #expect(try await graph.addNodes([brief]) == [briefID], "a retried add with the same expiry")
        var changed = brief
        changed.expiresAt = start.addingTimeInterval(11)
        await expectError(.duplicateID) { try await graph.addNodes([changed]) }

        // Bad expiries, nothing written.
        for bad in [start, start.addingTimeInterval(-1), Date(timeIntervalSince1970: 5e9)] {
            await expectError(.invalidArgument) {
                try await graph.addNodes([NodeDraft(agentID: "a", taskContext: "c", result: [:], expiresAt: bad)])
            }
            await expectError(.invalidArgument) { try await graph.updateNode(keeper, expiry: .at(bad)) }
        }
        #expect(try await graph.statistics().nodes == 3)

        // At its expiry the node is gone from every read, before any sweep.
        clock.advance(by: 10)
        let marker = try await graph.currentSequence()
        #expect(try await graph.node(briefID) == nil)
        #expect(try await graph.nodes([briefID, keeper]).map { $0?.id } == [nil, keeper])
        #expect(try await graph.recall(agentID: "planner", taskContext: "trip").map(\.id) == [keeper])
        var notes = MemoryQuery()
        notes.types = ["note"]
        #expect(try await graph.queryIDs(notes) == [laterID])
        #expect(try await graph.count(notes) == 1)
        #expect(try await graph.count(MemoryQuery()) == 2)
        var linked = MemoryQuery()
        linked.linkedFrom = briefID
        #expect(try await graph.count(linked) == 0)
        #expect(try await graph.links(from: keeper).isEmpty)
        #expect(try await graph.backlinks(to: keeper).isEmpty)
        #expect(try await graph.node(keeper)?.links == [])
        #expect(try await graph.neighbors(of: keeper, direction: .both, depth: 2).isEmpty)
        await expectError(.nodeNotFound) { try await graph.neighbors(of: briefID) }
        #expect(try await graph.bundle(bundle)?.nodeIDs == [keeper])
        let statistics = try await graph.statistics()
        #expect(statistics.nodes == 2 && statistics.links == 0, "\(statistics)")
        #expect(try await graph.currentSequence() == marker, "nothing is logged before the sweep")

        // Writes do not see it: they sweep it first, and the sweep stays even when they fail.
        await expectError(.nodeNotFound) { try await graph.updateNode(briefID, metadata: [:]) }
        let swept = try await graph.changePage(after: marker).changes
        #expect(swept.map(\.kind) == [.nodeExpired] && swept.first?.nodeID == briefID && swept.first?.version == 1)
        #expect(try await graph.sweepExpired() == 0)
        #expect(try await graph.history(of: briefID).map(\.expiresAt) == [start.addingTimeInterval(10)])

        // An explicit sweep.
        clock.advance(by: 10)
        #expect(try await graph.sweepExpired() == 1)
        #expect(try await graph.changePage(after: marker + 1).changes.map(\.kind) == [.nodeExpired])

        // Updates set, move and clear an expiry.
        #expect(try await graph.updateNode(keeper, expiry: .at(clock.now.addingTimeInterval(5))) == 2)
        #expect(try await graph.node(keeper)?.expiresAt == clock.now.addingTimeInterval(5))
        #expect(try await graph.updateNode(keeper, expiry: .never) == 3)
        #expect(try await graph.node(keeper)?.expiresAt == nil)
        clock.advance(by: 60)
        #expect(try await graph.node(keeper) != nil)
        let moved = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try await graph.updateNode(moved, expiry: .at(clock.now.addingTimeInterval(1))) == 2)
        #expect(try await graph.updateNode(moved, expiry: .at(clock.now.addingTimeInterval(100))) == 3)
        clock.advance(by: 2)
        #expect(try await graph.node(moved) != nil, "the later expiry replaced the earlier one")
        #expect(try await graph.sweepExpired() == 0)
        clock.advance(by: 100)
        #expect(try await graph.statistics().nodes == 1)
        #expect(try await graph.sweepExpired() == 1)

        if store.canReopen {
            let expiring = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
            try await graph.updateNode(expiring, expiry: .at(clock.now.addingTimeInterval(30)))
            try await store.reopen()
            #expect(try await store.graph.node(expiring)?.expiresAt == clock.now.addingTimeInterval(30))
        }
    }
}
