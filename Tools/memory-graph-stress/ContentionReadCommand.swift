import ArgumentParser
import Dispatch
import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// `memory-graph-stress contention read`: recalls the newest nodes of random agents and contexts
/// while other processes write, and checks each node it reads; prints a ``ContentionReadReport``
/// as one JSON line.
///
/// Each node is checked three ways: recall returned it for the right agent and context; within
/// one snapshot its record, every index entry and its links agree (``MemoryGraph/verifyNode(_:)``);
/// and the node read afterwards (perhaps from the cache) has every link an earlier snapshot had
/// (writers only add links).
struct ContentionReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read", abstract: "Read and check nodes for a while; print what was checked and found.")

    @Option(help: "The store's directory.") var path: String
    @Option(help: "Seconds to read for.") var seconds = 3.0
    @Option(help: "The seed of this reader's choices.") var seed: UInt64 = 1

    func run() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.readOnly = true
        let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        var random = SplitMix64(seed: seed)
        var report = ContentionReadReport()
        var seen = Set<NodeID>()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let agent = ContentionVocabulary.agents.randomElement(using: &random) ?? "planner"
            let context = ContentionVocabulary.contexts.randomElement(using: &random) ?? "trip-1"
            for node in try graph.recall(agentID: agent, taskContext: context, limit: 10) {
                seen.insert(node.id)
                report.checks += 1
                if node.agentID != agent || node.taskContext != context {
                    report.record(
                        "recall(\(agent), \(context)) returned \(node.id) of \(node.agentID), \(node.taskContext)")
                }
                let earlierLinks = try graph.links(from: node.id)
                guard let problems = try graph.verifyNode(node.id) else {
                    report.record("node \(node.id) vanished")
                    continue
                }
                for problem in problems { report.record(problem.description) }
                let missing = Set(earlierLinks).subtracting(try graph.node(node.id)?.links ?? [])
                if !missing.isEmpty {
                    report.record("node \(node.id) read without its links \(missing.sorted()), seen before")
                }
            }
        }
        report.distinctNodes = seen.count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }
}
