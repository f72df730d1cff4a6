import ArgumentParser
import Dispatch
import Foundation
import MemoryGraph

/// `memory-graph-bench follow-latency`: the other process of S11. It opens the store read-only,
/// follows the change feed after `--after`, and writes the latency of each of `--count` changes
/// (commit time to receipt, ns) to `--output` as a JSON array.
struct FollowLatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow-latency",
        abstract: "Follow a store's change feed and record each change's delivery latency.",
        shouldDisplay: false)

    @Option(help: "The store.") var path: String
    @Option(help: "Follow the changes after this sequence number.") var after: UInt64
    @Option(help: "How many changes to receive.") var count: Int
    @Option(help: "A file to create once the feed is followed.") var ready: String
    @Option(help: "Where to write the latencies.") var output: String

    func run() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.readOnly = true
        let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        // The first read of the log happens before the producer starts.
        _ = try graph.changePage(after: after, limit: 1)
        guard FileManager.default.createFile(atPath: ready, contents: nil) else {
            throw ValidationError("cannot create \(ready)")
        }
        let (after, count) = (after, count)
        let latencies = try BenchRun.runTasks(1) { _ in
            var latencies: [UInt64] = []
            for try await change in graph.changes(after: after) {
                latencies.append(BenchRun.nanoseconds(since: change.committedAt))
                if latencies.count == count { break }
            }
            return latencies
        }
        try JSONEncoder().encode(latencies).write(to: URL(fileURLWithPath: output))
    }
}
