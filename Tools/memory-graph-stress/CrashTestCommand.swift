import ArgumentParser
import Dispatch
import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// `memory-graph-stress crash-test`: a writer process is killed with SIGKILL at random moments;
/// after each kill the store must verify clean and hold every acknowledged write.
struct CrashTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-test",
        abstract: "Kill a writing process with SIGKILL at random moments; check the store after each kill.",
        discussion: """
            Each iteration starts a writer process on the store (single and batched adds, links, \
            unlinks, removals, bundle writes; synchronous and async calls from several lanes) with one \
            index update strategy and a random durability, and kills it 2 ms to 1 s after it opened \
            the store (one kill in eight while it starts). The store is then verified as the kill left \
            it (read-only), opened for writing (and verified again after a lazy writer, since opening \
            writes the index entries it left behind), and compared with every write the side log says \
            was acknowledged: exact node content, the agent × context indexes, links and bundles. A \
            write in flight at the kill must be wholly in the store or not at all. The store persists \
            across iterations.
            """)

    @Option(help: "Kills.") var iterations = 100
    @Option(help: "The store's directory, new or empty (default: a temporary one, removed afterwards).")
    var path: String?
    @Option(help: "The seed of the kill moments, durabilities and writes.") var seed: UInt64 = 42
    @Option(help: "The writers' index update strategy: immediate, batch, lazy, or all (taking turns).")
    var strategy = "all"

    /// One kill in eight lands this many seconds after the writer started (while it starts up);
    /// the others this many seconds after it opened the store, spread evenly on a log scale.
    static let startWindow = 0.0...0.05
    static let writeWindow = 0.002...1.0

    func validate() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        guard strategy == "all" || MemoryGraph.IndexUpdateStrategy(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be immediate, batch, lazy or all")
        }
    }

    func run() throws {
        let directory = path ?? NSTemporaryDirectory() + "memory-graph-crash-" + UUID().uuidString
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard existing.isEmpty else {
            throw ValidationError("\(directory) is not empty; the test must see every write the store holds")
        }
        let work = NSTemporaryDirectory() + "memory-graph-crash-logs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // The store exists before the first writer starts, so every kill leaves one to open.
        try MemoryGraph(path: directory).close()

        let strategies =
            MemoryGraph.IndexUpdateStrategy(rawValue: strategy).map { [$0] } ?? MemoryGraph.IndexUpdateStrategy.allCases
        var session = CrashSession(directory: directory, work: work, seed: seed)
        var random = SplitMix64(seed: seed)
        let start = DispatchTime.now().uptimeNanoseconds
        for iteration in 1...iterations {
            let durability = MemoryGraph.Durability.allCases.randomElement(using: &random) ?? .full
            let moment: CrashSession.Moment =
                Int.random(in: 0..<8, using: &random) == 0
                ? .afterStart(Double.random(in: Self.startWindow, using: &random))
                : .whileWriting(
                    exp(
                        Double.random(
                            in: log(Self.writeWindow.lowerBound)...log(Self.writeWindow.upperBound), using: &random)))
            let kill = try session.killWriter(
                strategy: strategies[(iteration - 1) % strategies.count], durability: durability, at: moment)
            report(kill.summary(iteration: iteration, of: iterations))
            if !kill.failures.isEmpty {
                report("FAILED after kill \(iteration) (seed \(seed)):")
                for failure in kill.failures.prefix(20) { report("  " + failure) }
                report("the store is in \(directory); the side logs and the writer's output are in \(work)")
                report(session.summary(failures: kill.failures.count, since: start))
                FileHandle.standardError.write(Data("crash-test: failures after kill \(iteration); see above\n".utf8))
                throw ExitCode(1)
            }
        }
        report(session.summary(failures: 0, since: start))
        try? FileManager.default.removeItem(atPath: work)
        if path == nil { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Prints `line` at once, unbuffered, so progress shows while a long run goes on.
    private func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
