import ArgumentParser
import Dispatch
import Foundation
import Histogram
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// `memory-graph-stress load-test`: readers and writers on one store at once (scenario S6),
/// then an integrity check of every acknowledged write.
struct LoadTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-test",
        abstract: "Concurrent readers (80 % point, 15 % recall, 5 % query) and paced writers on one store.")

    @Option(help: "The store's directory (default: a temporary one, removed afterwards).") var path: String?
    @Option(help: "Reader threads.") var readers = 2
    @Option(help: "Writer threads.") var writers = 1
    @Option(
        help: """
            Seconds of load: a short warm-up, then slices of about a second that alternate between \
            readers alone and readers with writers.
            """)
    var duration = 15.0
    @Option(help: "Nodes loaded before the test.") var nodes = 20_000
    @Option(help: "Nodes written per second by all writers together.") var writeRate = 1_000
    @Option(help: "The data set's seed.") var seed: UInt64 = 42
    @Option(
        help: """
            What each commit waits for. noSync shows what syncing costs; it is no setting for data \
            that must survive a system crash.
            """)
    var durability = MemoryGraph.Durability.noMetaSync
    @Option(help: "Write every figure to this JSON file.") var json: String?
    @Option(help: "OS processes sharing the store (this one included); the others read and write too.")
    var processes = 1
    @Option(help: .hidden) var workerOutput: String?
    /// When the worker processes' schedule starts, in `DispatchTime` uptime nanoseconds.
    @Option(help: .hidden) var workerStart: UInt64?

    func validate() throws {
        guard processes >= 1 else { throw ValidationError("--processes must be at least 1") }
        guard readers > 0, writers > 0, duration > 0, nodes >= 100, writeRate > 0 else {
            throw ValidationError("--readers, --writers, --duration, --write-rate must be positive, --nodes ≥ 100")
        }
    }

    /// Latencies per operation kind, one set per thread, merged at the end.
    ///
    /// `@unchecked Sendable`: each instance is used by its one thread, and read on the main
    /// thread only after the threads' `DispatchGroup.wait()`, which orders their writes first.
    final class Recorder: @unchecked Sendable {
        var histograms: [String: Histogram<UInt64>] = [:]
        var errors = 0
        /// Reads finished in each ``LoadPhase``.
        var reads: [LoadPhase: Int] = [:]

        func time(_ kind: String, _ body: () throws -> Void) {
            let start = DispatchTime.now().uptimeNanoseconds
            do { try body() } catch { errors += 1 }
            let elapsed = max(1, DispatchTime.now().uptimeNanoseconds - start)
            _ = histograms[
                kind, default: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
            ]
            .record(elapsed)
        }
    }

    func run() throws {
        let directory = path ?? NSTemporaryDirectory() + "memory-graph-load-" + UUID().uuidString
        defer { if path == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let workload = Workload(count: nodes, seed: seed)
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.durability = durability
        lmdb.indexUpdateStrategy = .batch
        let graph = try MemoryGraph(path: directory, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        if workerOutput == nil, try graph.statistics().nodes == 0 {
            for start in stride(from: 0, to: workload.nodes.count, by: 2_000) {
                try graph.addNodes(workload.nodes[start..<min(start + 2_000, workload.nodes.count)].map(\.draft))
            }
        }
        let schedule = LoadSchedule(duration: duration)
        if let workerOutput {
            try runWorker(
                graph, workload, output: workerOutput, schedule: schedule,
                start: workerStart ?? DispatchTime.now().uptimeNanoseconds)
            return
        }
        // Worker processes follow the same schedule from the same moment (uptime is the same
        // clock in every process), a moment late enough for them to have started.
        let start = DispatchTime.now().uptimeNanoseconds + (processes > 1 ? 500_000_000 : 0)
        let workers = try (1..<processes).map { index in try spawnWorker(directory, index: index, start: start) }
        let ids = workload.nodes.map(\.id)
        let stop = SharedFlag()
        let phase = SharedLoadPhase()
        let recorders = (0..<(readers + writers)).map { _ in Recorder() }
        var acknowledged = (0..<writers).map { _ in AcknowledgedWrites() }
        let group = DispatchGroup()

        for reader in 0..<readers {
            let recorder = recorders[reader]
            group.enter()
            Thread.detachNewThread {
                var random = SplitMix64(seed: seed &+ UInt64(reader) &+ 1)
                while !stop.isSet {
                    let dice = Int.random(in: 0..<100, using: &random)
                    let node = workload.nodes[Int.random(in: 0..<ids.count, using: &random)]
                    let current = phase.value
                    if dice < 80 {
                        recorder.time("point read") { _ = try graph.node(node.id) }
                    } else if dice < 95 {
                        recorder.time("recall") {
                            _ = try graph.recall(agentID: node.agent, taskContext: node.context, limit: 50)
                        }
                    } else {
                        var query = MemoryQuery()
                        query.agentIDs = [node.agent]
                        query.contexts = [node.context, Workload.contexts[0]]
                        query.minConfidence = 0.5
                        query.limit = 20
                        recorder.time("query") { _ = try graph.query(query) }
                    }
                    recorder.reads[current, default: 0] += 1
                }
                group.leave()
            }
        }
        let interval = Double(writers) / Double(writeRate)
        for writer in 0..<writers {
            let recorder = recorders[readers + writer]
            let log = acknowledged[writer]
            group.enter()
            Thread.detachNewThread {
                var random = SplitMix64(seed: seed &+ 1_000 &+ UInt64(writer))
                var next = DispatchTime.now().uptimeNanoseconds
                while !stop.isSet {
                    guard phase.value == .withWriters else {
                        usleep(500)
                        next = DispatchTime.now().uptimeNanoseconds
                        continue
                    }
                    let agent = Workload.agents[Int.random(in: 0..<Workload.agents.count, using: &random)]
                    let context = Workload.contexts[workload.contextSampler.next(using: &random)]
                    recorder.time("write") {
                        let id = try graph.addNode(
                            agentID: agent, taskContext: context,
                            result: [
                                "type": "observation",
                                "confidence_score": .double(Double.random(in: 0..<1, using: &random)),
                            ])
                        log.append(id, agent: agent, context: context)
                    }
                    next += UInt64(interval * 1e9)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if next > now { usleep(UInt32((next - now) / 1_000)) }
                }
                group.leave()
            }
        }
        let seconds = run(schedule, from: start, phase: phase)
        stop.set()
        group.wait()
        var workerFailures = 0
        for worker in workers {
            worker.process.waitUntilExit()
            if worker.process.terminationStatus != 0 { workerFailures += 1 }
            let log = AcknowledgedWrites()
            if let text = try? String(contentsOfFile: worker.output, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let fields = line.split(separator: " ").map(String.init)
                    if fields.count == 3, let id = NodeID(fields[0]) {
                        log.append(id, agent: fields[1], context: fields[2])
                    }
                }
            }
            acknowledged.append(log)
            try? FileManager.default.removeItem(atPath: worker.output)
        }

        let report = try LoadReport(
            recorders: recorders, seconds: duration, phaseSeconds: seconds, acknowledged: acknowledged,
            durability: durability, graph: graph)
        print(report.text)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        guard report.errors == 0, report.lost == 0, report.verified, workerFailures == 0 else {
            if workerFailures > 0 {
                FileHandle.standardError.write(Data("\(workerFailures) worker processes failed\n".utf8))
            }
            throw ExitCode(1)
        }
    }

    /// Starts this tool again as a worker process on the same store.
    private func spawnWorker(_ directory: String, index: Int, start: UInt64) throws -> (
        process: Process, output: String
    ) {
        let output = directory + ".worker-\(index).txt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "load-test", "--path", directory, "--readers", "\(readers)", "--writers", "\(writers)", "--duration",
            "\(duration)", "--nodes", "\(nodes)", "--write-rate", "\(writeRate)", "--seed", "\(seed)",
            "--durability", durability.rawValue, "--worker-output", output, "--worker-start", "\(start)",
        ]
        try process.run()
        return (process, output)
    }

    /// A worker process: paced reads for the whole duration, and as many writes while the
    /// `schedule` says writers run; every acknowledged write is listed in `output` (`id agent
    /// context` per line). Exits non-zero on any error.
    private func runWorker(
        _ graph: MemoryGraph, _ workload: Workload, output: String, schedule: LoadSchedule, start: UInt64
    ) throws {
        var random = SplitMix64(seed: seed &+ UInt64(getpid()))
        var lines = ""
        var errors = 0
        let deadline = start + UInt64(duration * 1e9)
        let interval = UInt64(1e9 / Double(writeRate))
        var next = max(start, DispatchTime.now().uptimeNanoseconds)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let agent = Workload.agents[Int.random(in: 0..<Workload.agents.count, using: &random)]
            let context = Workload.contexts[workload.contextSampler.next(using: &random)]
            let now = DispatchTime.now().uptimeNanoseconds
            let writing = now >= start && schedule.phase(at: Double(now - start) / 1e9) == .withWriters
            do {
                if writing {
                    let id = try graph.addNode(agentID: agent, taskContext: context, result: ["type": "observation"])
                    lines += "\(id) \(agent) \(context)\n"
                }
                let node = workload.nodes[Int.random(in: 0..<workload.nodes.count, using: &random)]
                _ = try graph.node(node.id)
                _ = try graph.recall(agentID: node.agent, taskContext: node.context, limit: 10)
            } catch {
                errors += 1
            }
            next += interval
            let after = DispatchTime.now().uptimeNanoseconds
            if next > after { usleep(UInt32((next - after) / 1_000)) }
        }
        try lines.write(toFile: output, atomically: true, encoding: .utf8)
        if errors > 0 { throw ExitCode(1) }
    }

    /// Runs `schedule` from `start` (uptime nanoseconds), publishing each phase in `phase`.
    ///
    /// - Returns: The seconds spent in each phase.
    private func run(_ schedule: LoadSchedule, from start: UInt64, phase: SharedLoadPhase) -> [LoadPhase: Double] {
        var seconds: [LoadPhase: Double] = [:]
        var now = DispatchTime.now().uptimeNanoseconds
        if now < start { usleep(UInt32((start - now) / 1_000)) }
        now = DispatchTime.now().uptimeNanoseconds
        for (index, (current, end)) in schedule.phases.enumerated() {
            phase.value = current
            let deadline = start + UInt64(end * 1e9)
            while DispatchTime.now().uptimeNanoseconds < deadline {
                usleep(UInt32(min(50_000, max(1, (deadline &- DispatchTime.now().uptimeNanoseconds) / 1_000))))
            }
            if isatty(STDERR_FILENO) == 1 {
                FileHandle.standardError.write(
                    Data("\r\(current.rawValue) (slice \(index) of \(schedule.phases.count - 1)) …".utf8))
            }
            let finished = DispatchTime.now().uptimeNanoseconds
            seconds[current, default: 0] += Double(finished - now) / 1e9
            now = finished
        }
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r".utf8)) }
        return seconds
    }
}
