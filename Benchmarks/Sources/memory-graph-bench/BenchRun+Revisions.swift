import Dispatch
import Foundation
import Histogram
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom
import Synchronization

extension BenchRun {
    /// S8: 64 producers revise random nodes of 1 000 by compare-and-set — read, increment a
    /// counter in the result, update with the version read, retry on a conflict — durable as
    /// S7; on SQLite the same with `UPDATE … WHERE id = ? AND version = ?` from 64 threads.
    /// Latency is from a revision's first read to its successful write, retries included.
    func s8CompareAndSet(updatesPerProducer: Int) throws -> ScenarioResult {
        let producers = 64
        let nodeCount = 1_000
        let path = directory + "/s8"
        var options = lmdb
        options.durability = .full
        options.indexUpdateStrategy = .batch
        let graph = try MemoryGraph(path: path, configuration: configuration(caching: true), lmdb: options)
        defer {
            graph.close()
            try? FileManager.default.removeItem(atPath: path)
        }
        let ids = try graph.addNodes(
            (0..<nodeCount).map { _ in
                NodeDraft(agentID: "s8", taskContext: "counters", result: ["type": "counter", "count": 0])
            })
        let picks = (0..<producers).map { producer in
            var random = SplitMix64(seed: UInt64(producer) &+ 0x58)
            return (0..<updatesPerProducer).map { _ in ids[Int.random(in: 0..<nodeCount, using: &random)] }
        }

        let conflicts = SharedCounter()
        let start = DispatchTime.now().uptimeNanoseconds
        let latencies = try Self.runTasks(producers) { producer in
            var latencies: [UInt64] = []
            for id in picks[producer] {
                let before = DispatchTime.now().uptimeNanoseconds
                while true {
                    guard let node = try await graph.node(id) else {
                        throw AnswerMismatch(description: "S8: a node is missing")
                    }
                    let count = node.result["count"]?.intValue ?? 0
                    do {
                        try await graph.updateNode(
                            id, result: ["type": "counter", "count": .int(count + 1)], expectedVersion: node.version)
                        break
                    } catch let error as MemoryGraphError where error.code == .versionConflict {
                        conflicts.increment()
                    }
                }
                latencies.append(DispatchTime.now().uptimeNanoseconds - before)
            }
            return latencies
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = try graph.nodes(ids).reduce(0) { $0 + ($1?.result["count"]?.intValue ?? 0) }
        guard total == producers * updatesPerProducer else {
            throw AnswerMismatch(description: "S8: \(total) increments stored, \(producers * updatesPerProducer) made")
        }
        let mine = Measurement(latencies: latencies, seconds: seconds)
        var detail = String(
            format: "S8 conflicts: MemoryGraph %d (%.0f/s)", conflicts.value, Double(conflicts.value) / seconds)

        var theirs: Measurement?
        if twin != nil {
            let sqlitePath = directory + "/s8-sqlite.db"
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqlitePath + suffix) }
            }
            let counters = try SQLiteCounters(path: sqlitePath, ids: ids)
            let sqliteConflicts = SharedCounter()
            let failures = SharedCounter()
            let perThread = LatencyLists(producers)
            let sqliteStart = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: producers) { producer in
                var latencies: [UInt64] = []
                for id in picks[producer] {
                    let before = DispatchTime.now().uptimeNanoseconds
                    do {
                        while try !counters.increment(id) { sqliteConflicts.increment() }
                    } catch {
                        failures.increment()
                    }
                    latencies.append(DispatchTime.now().uptimeNanoseconds - before)
                }
                perThread.set(producer, latencies)
            }
            let sqliteSeconds = Double(DispatchTime.now().uptimeNanoseconds - sqliteStart) / 1e9
            guard failures.value == 0, try counters.total() == producers * updatesPerProducer else {
                throw AnswerMismatch(description: "S8: SQLite lost increments (\(failures.value) failures)")
            }
            theirs = Measurement(latencies: perThread.all, seconds: sqliteSeconds)
            detail += String(
                format: " · SQLite %d (%.0f/s)", sqliteConflicts.value, Double(sqliteConflicts.value) / sqliteSeconds)
        }
        var result = ScenarioResult(
            id: "S8", title: "64 producers, compare-and-set revisions, durable", memoryGraph: mine, baseline: theirs)
        result.detail = detail
        return result
    }

    /// Runs `count` tasks of `body` at once and waits for them from this thread; returns every
    /// latency they listed.
    static func runTasks(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> [UInt64]) throws -> [UInt64] {
        let done = DispatchSemaphore(value: 0)
        let outcome = LockedResult()
        Task {
            do {
                let all = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                    for index in 0..<count { group.addTask { try await body(index) } }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                outcome.set(.success(all))
            } catch {
                outcome.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }
}

/// The latencies of each of several threads, collected under a lock.
final class LatencyLists: Sendable {
    private let lists: Mutex<[[UInt64]]>

    init(_ count: Int) { lists = Mutex(Array(repeating: [], count: count)) }

    func set(_ index: Int, _ latencies: [UInt64]) { lists.withLock { $0[index] = latencies } }

    var all: [UInt64] { lists.withLock { $0.flatMap { $0 } } }
}

/// What a task group ended with, handed to the thread that waited for it.
final class LockedResult: Sendable {
    private let result = Mutex<Result<[UInt64], any Error>?>(nil)

    func set(_ value: Result<[UInt64], any Error>) { result.withLock { $0 = value } }

    func get() throws -> [UInt64] {
        guard let value = result.withLock({ $0 }) else { throw AnswerMismatch(description: "a task group never ended") }
        return try value.get()
    }
}
