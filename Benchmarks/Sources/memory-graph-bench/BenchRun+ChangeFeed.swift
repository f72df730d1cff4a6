import Dispatch
import Foundation
import MemoryGraph

extension BenchRun {
    /// S11: how long a change takes from its commit to a consumer of the change feed — in this
    /// process (woken by the commit) and in another (which polls LMDB's last transaction id) —
    /// measured from the commit time stamped in the entry to the consumer's clock. A producer
    /// adds `count` nodes one by one, 1 ms apart; the latencies' "ops/s" is that pace.
    func s11ChangeFeedLatency(count: Int) throws -> [ScenarioResult] {
        let path = directory + "/s9"
        let graph = try MemoryGraph(path: path, configuration: configuration(caching: false), lmdb: lmdb)
        defer {
            graph.close()
            try? FileManager.default.removeItem(atPath: path)
        }

        // In this process.
        let start = try graph.currentSequence()
        let sameProcess = DispatchSemaphore(value: 0)
        let collected = LockedResult()
        DispatchQueue.global().async {
            collected.set(
                Result {
                    try Self.runTasks(1) { _ in
                        var latencies: [UInt64] = []
                        for try await change in graph.changes(after: start) {
                            latencies.append(Self.nanoseconds(since: change.committedAt))
                            if latencies.count == count { break }
                        }
                        return latencies
                    }
                })
            sameProcess.signal()
        }
        var seconds = try produce(count, into: graph)
        sameProcess.wait()
        let mine = Measurement(latencies: try collected.get(), seconds: seconds)

        // In another process: this tool, following the store read-only.
        let otherStart = try graph.currentSequence()
        let ready = path + "/consumer.ready"
        let output = path + "/consumer.json"
        let consumer = Process()
        consumer.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        consumer.arguments = [
            "follow-latency", "--path", path, "--after", "\(otherStart)", "--count", "\(count)", "--ready", ready,
            "--output", output,
        ]
        try consumer.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: ready) {
            guard Date() < deadline, consumer.isRunning else {
                throw AnswerMismatch(description: "S11: the consumer process did not start following")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        seconds = try produce(count, into: graph)
        consumer.waitUntilExit()
        guard consumer.terminationStatus == 0 else {
            throw AnswerMismatch(description: "S11: the consumer process exited with \(consumer.terminationStatus)")
        }
        let latencies = try JSONDecoder().decode([UInt64].self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        guard latencies.count == count else {
            throw AnswerMismatch(description: "S11: the consumer process saw \(latencies.count) of \(count) changes")
        }
        let theirs = Measurement(latencies: latencies, seconds: seconds)
        return [
            ScenarioResult(id: "S11", title: "change feed, commit → consumer, same process", memoryGraph: mine),
            ScenarioResult(id: "S11p", title: "change feed, commit → consumer, another process", memoryGraph: theirs),
        ]
    }

    /// Adds `count` nodes one at a time, 1 ms apart; returns the seconds it took.
    private func produce(_ count: Int, into graph: MemoryGraph) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            try graph.addNode(agentID: "s9", taskContext: "feed", result: ["n": .int(index)])
            Thread.sleep(forTimeInterval: 0.001)
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The nanoseconds from `date` to now, by the wall clock both processes share (0 if `date`
    /// is in the future).
    static func nanoseconds(since date: Date) -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince(date) * 1e9))
    }
}
