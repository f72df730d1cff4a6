import Dispatch
import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reader processes killed inside their read transactions leave their reader slots behind;
/// LMDB frees them only when some process runs `mdb_reader_check`.
@Suite("Reader slots of killed processes", .tags(.slow))
struct ReaderSlotReclamationTests {
    /// The store's reader table: small, so the dead slots of a few waves exceed it.
    private static let maximumReaders = 126

    /// Starts `count` `contention hold-read` processes, waits until each is inside its read
    /// transaction, then kills them all with SIGKILL and reaps them. Returns their process ids.
    private static func holdReadsAndKill(_ count: Int, store: String, in scratch: ScratchDirectory) throws -> Set<Int32>
    {
        let log = scratch.child("holders-\(UUID().uuidString).txt")
        let holders = try (0..<count).map { _ in
            try BuiltTool.stress.start(["contention", "hold-read", "--path", store], output: log)
        }
        defer {
            for holder in holders where holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            for holder in holders { holder.waitUntilExit() }
        }
        while true {
            let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            if lines.filter({ $0.hasPrefix("reading ") }).count == count { break }
            if holders.contains(where: { !$0.isRunning }) {
                throw HolderFailure(output: lines.joined(separator: "\n"))
            }
            usleep(10_000)
        }
        for holder in holders { kill(holder.processIdentifier, SIGKILL) }
        for holder in holders {
            holder.waitUntilExit()
            #expect(holder.terminationReason == .uncaughtSignal && holder.terminationStatus == SIGKILL)
        }
        return Set(holders.map(\.processIdentifier))
    }

    private struct HolderFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "a hold-read process ended before it was killed:\n\(output)" }
    }

    @Test(
        "300 readers killed mid-transaction: their slots are freed, later readers here and elsewhere read, stat reports it"
    )
    func killedReaders() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.child("store")
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        lmdb.maxReaders = Self.maximumReaders
        // Opened first, so it sizes the reader table, and kept open: no later open resets it.
        let graph = try MemoryGraph(path: store, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        try graph.addNodes(
            (0..<20).map { _ in NodeDraft(agentID: "planner", taskContext: "trip", result: ["type": "plan"]) })
        #expect(try graph.status().maximumReaders == Self.maximumReaders)
        let ownSlots = { try graph.environment.readerSlots().filter { $0.processID == getpid() }.count }
        var killed = 0

        // Wave 1: their slots stay behind; a new process (`memory-graph stat`) frees them and says so.
        let first = try Self.holdReadsAndKill(60, store: store, in: scratch)
        killed += first.count
        let stale = try graph.environment.readerSlots().filter { first.contains($0.processID) }
        #expect(stale.count == first.count && stale.allSatisfy { $0.transactionID != nil })
        let stat = try BuiltTool.memoryGraph.run(["stat", store, "--json"], in: scratch)
        #expect(stat.status == 0, "\(stat.errors)")
        let reported = try JSONDecoder().decode(StoreStatus.self, from: Data(stat.output.utf8))
        #expect(reported.staleReadersFreed == first.count)
        #expect(reported.readersInUse == (try ownSlots()) + 1, "this process's slots and stat's own")
        #expect(try graph.environment.readerSlots().allSatisfy { !first.contains($0.processID) })

        // Wave 2 takes every free slot (each holder got one, so wave 1's were freed) and dies:
        // the table is full of dead slots. A read here that needs a new slot (this process's
        // pooled transaction is busy) meets the full table, frees the dead slots and goes on.
        let second = try Self.holdReadsAndKill(
            Self.maximumReaders - (try graph.environment.readerSlots().count), store: store, in: scratch)
        killed += second.count
        #expect(try graph.environment.readerSlots().count == Self.maximumReaders)
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? graph.environment.read { _ in
                inside.signal()
                release.wait()
            }
        }
        inside.wait()
        let recalled = Result { try graph.recall(agentID: "planner", taskContext: "trip") }
        release.signal()
        #expect(try recalled.get().count == 20)
        #expect(graph.environment.staleReadersFreed == second.count, "the read that met the full table freed them")
        let status = try graph.status()
        #expect(status.staleReadersFreed == second.count)
        #expect(status.readersInUse == (try ownSlots()))

        // Wave 3 fills the table with dead slots again; a new process reads.
        let third = try Self.holdReadsAndKill(
            Self.maximumReaders - (try graph.environment.readerSlots().count), store: store, in: scratch)
        killed += third.count
        #expect(try graph.environment.readerSlots().count == Self.maximumReaders)
        let recall = try BuiltTool.memoryGraph.run(
            ["recall", store, "--agent", "planner", "--context", "trip", "--limit", "20"], in: scratch)
        #expect(recall.status == 0, "\(recall.errors)")
        #expect(recall.output.split(separator: "\n").count == 20)
        #expect(try graph.environment.readerSlots().allSatisfy { !third.contains($0.processID) })
        #expect(killed >= 300)
        print(
            "killed \(killed) readers inside their transactions (\(first.count) + \(second.count) + \(third.count)) "
                + "on a table of \(Self.maximumReaders) slots; every later reader read")
    }
}
