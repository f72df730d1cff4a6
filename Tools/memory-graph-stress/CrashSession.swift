import Dispatch
import Foundation
import MemoryGraph

/// The parent side of the crash test: the model of what the store must hold, and one writer
/// after another started on the store, killed, and checked.
struct CrashSession {
    /// When the writer is killed.
    enum Moment {
        /// This many seconds after it was started: while it starts, loads the model, or opens the
        /// store (which writes index entries a lazy writer left behind).
        case afterStart(Double)
        /// This many seconds after it opened the store: while it writes.
        case whileWriting(Double)

        var text: String {
            switch self {
            case .afterStart(let seconds): String(format: "%.0f ms after start", seconds * 1_000)
            case .whileWriting(let seconds): String(format: "after %.0f ms of writing", seconds * 1_000)
            }
        }
    }

    /// What one kill showed.
    struct Kill {
        var strategy: MemoryGraph.IndexUpdateStrategy
        var durability: MemoryGraph.Durability
        var moment: Moment
        var acknowledged = 0
        var inFlight = 0
        var committed = 0
        var statistics: GraphStatistics?
        var failures: [String] = []

        func summary(iteration: Int, of iterations: Int) -> String {
            let store =
                statistics.map { "store \($0.nodes) nodes, \($0.links) links, \($0.bundles) bundles" } ?? "store unread"
            return String(
                format: "kill %d/%d: %@, %@, %@ · %d acknowledged, %d in flight (%d committed) · %@ · %@",
                iteration, iterations, strategy.rawValue, durability.rawValue, moment.text, acknowledged, inFlight,
                committed, store, failures.isEmpty ? "ok" : "\(failures.count) failures")
        }
    }

    let directory: String
    let work: String
    let seed: UInt64
    private var model = CrashModel()
    private var nextSerial = 0
    private var kills = 0
    private var acknowledged = 0
    private var inFlight = 0
    private var committed = 0

    init(directory: String, work: String, seed: UInt64) {
        self.directory = directory
        self.work = work
        self.seed = seed
    }

    /// Starts a writer on the store, kills it with SIGKILL at `moment`, and checks the store
    /// against the model and the writer's side log.
    mutating func killWriter(
        strategy: MemoryGraph.IndexUpdateStrategy, durability: MemoryGraph.Durability, at moment: Moment
    ) throws -> Kill {
        kills += 1
        var kill = Kill(strategy: strategy, durability: durability, moment: moment)
        let statePath = work + "/state.txt"
        let logPath = work + "/writer-\(kills).log"
        let errorPath = work + "/writer-\(kills).stderr"
        try model.stateText.write(toFile: statePath, atomically: true, encoding: .utf8)
        guard FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw CrashWriterFailure(description: "cannot create \(errorPath)")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "crash-writer", "--path", directory, "--state", statePath, "--log", logPath, "--strategy",
            strategy.rawValue, "--durability", durability.rawValue, "--first-serial", "\(nextSerial)", "--seed",
            "\(seed &+ UInt64(kills))",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        switch moment {
        case .afterStart(let seconds):
            usleep(UInt32(seconds * 1_000_000))
        case .whileWriting(let seconds):
            // The writer creates its side log once the store is open.
            while process.isRunning, !FileManager.default.fileExists(atPath: logPath) { usleep(500) }
            usleep(UInt32(seconds * 1_000_000))
        }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL else {
            let output = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            kill.failures.append(
                "the writer ended by itself with status \(process.terminationStatus) before the kill: \(output)")
            return kill
        }

        do {
            try check(logPath, &kill)
        } catch {
            kill.failures.append("\(error)")
        }
        if kill.failures.isEmpty {
            try? FileManager.default.removeItem(atPath: logPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        return kill
    }

    /// Verifies the store as the kill left it, then opens it for writing and compares it with
    /// the model updated by the side log at `logPath`.
    private mutating func check(_ logPath: String, _ kill: inout Kill) throws {
        let log = try CrashLog(path: logPath)
        kill.failures += log.failures.map { "a write failed in the writer: \($0)" }
        kill.acknowledged = log.acknowledged.count
        kill.inFlight = log.inFlight.count
        nextSerial = max(nextSerial, (log.highestSerial ?? -1) + 1)

        var quiet = MemoryGraph.Configuration()
        quiet.enableMetrics = false
        var readOnly = LMDBConfiguration()
        readOnly.readOnly = true
        let asLeft = try MemoryGraph(path: directory, configuration: quiet, lmdb: readOnly)
        let report = try asLeft.verify()
        asLeft.close()
        if !report.isClean { kill.failures.append("verify right after the kill (read-only): \(report)") }

        let graph = try MemoryGraph(path: directory, configuration: quiet)
        defer { graph.close() }
        for (operation, outcome) in log.acknowledged {
            try model.apply(operation, outcome)
        }
        if kill.strategy == .lazy {
            // Opening the store wrote the index entries the lazy writer left behind.
            let reopened = try graph.verify()
            if !reopened.isClean { kill.failures.append("verify after opening for writing: \(reopened)") }
        }
        kill.committed = try model.adoptInFlight(log.inFlight, from: graph)
        let written = log.acknowledged.map(\.operation) + log.inFlight
        kill.failures += try model.differences(
            from: graph,
            removedNodes: written.compactMap { if case .removeNode(let id) = $0 { id } else { nil } },
            removedBundles: written.compactMap { if case .removeBundle(let id) = $0 { id } else { nil } })
        kill.statistics = try graph.statistics()
        acknowledged += kill.acknowledged
        inFlight += kill.inFlight
        committed += kill.committed
    }

    /// The final line, and a line of detail.
    func summary(failures: Int, since start: UInt64) -> String {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return "kills \(kills), acknowledged operations checked \(acknowledged), failures \(failures)\n"
            + "in flight at a kill: \(inFlight) writes, \(committed) of them committed · "
            + String(format: "%.1f s", seconds)
    }
}
