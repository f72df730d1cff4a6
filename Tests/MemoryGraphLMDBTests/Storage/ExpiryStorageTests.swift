import Foundation
import LMDB
import MemoryGraphCore
import MemoryGraphTesting
import Synchronization
import Testing

@testable import MemoryGraphLMDB

/// Expiry as the LMDB store keeps it: the expiry index, the background sweep, verify and repair.
@Suite("Expiry storage")
struct ExpiryStorageTests {
    @Test("with nothing written, the background sweep removes an expired node and logs it")
    func backgroundSweep() async throws {
        var configuration = GraphOptions.testing
        configuration.expirySweepInterval = 0.02
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let kept = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        // Read before the add: the sweep may come before the next line runs.
        let start = try await graph.currentSequence()
        let brief = try await graph.addNode(
            agentID: "a", taskContext: "c", result: ["type": "note"], links: [kept],
            expiresAt: Date().addingTimeInterval(0.05))
        let expired = try await withThrowingTaskGroup(of: [GraphChange].self) { group in
            group.addTask {
                for try await change in graph.changes(after: start, matching: ChangeFilter(kinds: [.nodeExpired])) {
                    return [change]
                }
                return []
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return []
            }
            let first = try await group.next() ?? []
            group.cancelAll()
            return first
        }
        #expect(expired.map(\.kind) == [.nodeExpired] && expired.first?.nodeID == brief)
        #expect(try await graph.node(brief) == nil)
        #expect(try await graph.statistics().nodes == 1)
        #expect(try graph.verify().isClean)
    }

    @Test("verify finds a missing and a wrong expiry listing; repair rebuilds the index")
    func verifyAndRepair() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let time = Date(timeIntervalSince1970: 4_000_000_000)
        let first = try graph.addNode(agentID: "a", taskContext: "c", result: [:], expiresAt: time)
        let second = try graph.addNode(agentID: "a", taskContext: "c", result: [:], expiresAt: time)
        let other = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        #expect(try graph.verify().isClean)
        let byExpiry = try #require(graph.schema.byExpiry)
        let stamp = try #require(Microseconds(time))
        try graph.environment.write { txn in
            _ = try txn.delete(StoreTransaction.expiryKey(first, at: stamp), in: byExpiry)
            _ = try txn.put([UInt8](), forKey: StoreTransaction.expiryKey(other, at: stamp), in: byExpiry)
        }
        let problems = try graph.verify().problems
        #expect(Set(problems.map(\.kind)) == [.missingIndexEntry, .orphanIndexEntry], "\(problems)")
        #expect(problems.allSatisfy { $0.database == "idx.expiry" })
        _ = try graph.repair()
        #expect(try graph.verify().isClean)
        #expect(try graph.node(second)?.expiresAt == time)
    }

    @Test("verify checks an expired node no sweep has removed yet as the record it still is")
    func verifyBeforeTheSweep() throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        var configuration = GraphOptions.testing
        configuration.currentTime = clock.read
        configuration.expirySweepInterval = nil
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let kept = try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let brief = try graph.addNode(
            agentID: "a", taskContext: "c", result: [:], links: [kept], expiresAt: clock.now.addingTimeInterval(60))
        let pointing = try graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [brief])
        try graph.createBundle(taskID: "t", nodeIDs: [kept, brief])
        clock.advance(by: 61)
        #expect(try graph.node(brief) == nil)
        #expect(try graph.links(from: pointing).isEmpty)
        let report = try graph.verify()
        #expect(report.isClean, "\(report.problems)")
        #expect(try graph.verifyNode(brief)?.isEmpty == true, "the record is still there until the sweep")
        #expect(try graph.sweepExpired() == 1)
        #expect(try graph.verify().isClean)
        #expect(try graph.verifyNode(brief) == nil)
    }

    @Test("one read judges expiry at one moment: a node expiring while a read runs is in all its answers or none")
    func oneMomentPerRead() throws {
        // A clock that moves a millisecond each time it is read, so that nodes expire between
        // the steps of one read unless the read takes its time once.
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let reads = Atomic<Int>(0)
        var configuration = GraphOptions.testing
        configuration.currentTime = {
            start.addingTimeInterval(Double(reads.wrappingAdd(1, ordering: .relaxed).newValue) / 1_000)
        }
        configuration.expirySweepInterval = nil
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        let drafts = (0..<40).map { index in
            NodeDraft(
                agentID: "a", taskContext: "c", result: ["type": "note", "confidence_score": 0.9],
                expiresAt: start.addingTimeInterval(0.1 + Double(index) / 20))
        }
        let ids = try graph.addNodes(drafts)
        var everything = MemoryQuery()
        everything.agentIDs = ["a"]
        everything.types = ["note"]
        for _ in 0..<200 {
            let recalled = try graph.recall(agentID: "a", taskContext: "c")
            let found = try graph.query(everything).nodes
            #expect(recalled.allSatisfy { ids.contains($0.id) })
            #expect(found.allSatisfy { ids.contains($0.id) })
            _ = try graph.count(everything)
        }
    }
}
