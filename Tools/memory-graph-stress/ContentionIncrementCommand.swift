import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph-stress contention increment`: tasks that each add one to a counter in a node's
/// result, `--count` times — even tasks by compare-and-set with a retry on conflict, odd ones
/// by `modify` — and print `{"increments":…,"conflicts":…}`. Several such processes on one store
/// must together reach the exact total.
struct ContentionIncrementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "increment", abstract: "Increment a counter node concurrently, by compare-and-set and modify.")

    @Option(help: "The store's directory.") var path: String
    @Option(help: "The counter node's id.") var node: String
    @Option(help: "Increments per task.") var count = 500
    @Option(help: "Concurrent tasks.") var tasks = 2

    func run() async throws {
        guard let id = NodeID(node) else { throw ValidationError("\(node) is not a node id") }
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        let (count, tasks) = (count, tasks)
        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var conflicts = 0
                    for _ in 0..<count {
                        if task % 2 == 0 {
                            conflicts += try await Self.compareAndSet(id, in: graph)
                        } else {
                            try await graph.modify(id) { node in NodeUpdate(result: Self.incremented(node)) }
                        }
                    }
                    return conflicts
                }
            }
            return try await group.reduce(0, +)
        }
        print(#"{"increments":\#(count * tasks),"conflicts":\#(conflicts)}"#)
    }

    /// One increment by compare-and-set, retried until no other writer came between the read
    /// and the write; returns how many conflicts it met.
    private static func compareAndSet(_ id: NodeID, in graph: MemoryGraph) async throws -> Int {
        var conflicts = 0
        while true {
            guard let node = try await graph.node(id) else {
                throw MemoryGraphError(.nodeNotFound, "the counter node \(id) does not exist")
            }
            do {
                try await graph.updateNode(id, result: incremented(node), expectedVersion: node.version)
                return conflicts
            } catch let error as MemoryGraphError where error.code == .versionConflict {
                conflicts += 1
            }
        }
    }

    private static func incremented(_ node: MemoryNode) -> JSONValue {
        ["type": "counter", "count": .int((node.result["count"]?.intValue ?? 0) + 1)]
    }
}
