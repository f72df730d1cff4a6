import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph-stress crash-writer` (hidden): the child process of `crash-test`. It opens the
/// store and writes on it from several lanes until it is killed, logging every write.
struct CrashWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-writer", abstract: "The writer process that crash-test kills.", shouldDisplay: false)

    /// Lanes writing at once: even lanes call the synchronous API on threads, odd lanes the
    /// `async` API in tasks.
    static let lanes = 4
    /// A writer that was not killed by then ends itself (the parent is gone).
    static let lifetime = 60.0

    @Option(help: "The store's directory.") var path: String
    @Option(help: "The model of the store's content, written by crash-test.") var state: String
    @Option(help: "The side log to write.") var log: String
    @Option(help: "The index update strategy.") var strategy: MemoryGraph.IndexUpdateStrategy
    @Option(help: "The durability.") var durability: MemoryGraph.Durability
    @Option(help: "The first serial number for new nodes and bundles.") var firstSerial: Int
    @Option(help: "The seed of the writes.") var seed: UInt64

    func run() throws {
        let model = try CrashModel(stateText: String(contentsOfFile: state, encoding: .utf8))
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.indexUpdateStrategy = strategy
        lmdb.durability = durability
        // The smallest map: it must grow while the writer runs, so kills land in map growth too.
        lmdb.mapSize = 1 << 16
        // The vector index too, small, so kills land in its upkeep and verify checks it after each.
        lmdb.vectorIndex = .hnsw(VectorIndexParameters(neighbors: 4, constructionBreadth: 16))
        let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        let writer = try CrashWriter(graph: graph, model: model, logPath: log, firstSerial: firstSerial)
        for lane in 0..<Self.lanes {
            let laneSeed = seed &+ UInt64(lane) &* 0x9E37_79B9
            if lane.isMultiple(of: 2) {
                Thread.detachNewThread { writer.runSynchronousLane(seed: laneSeed) }
            } else {
                Task.detached { await writer.runAsynchronousLane(seed: laneSeed) }
            }
        }
        Thread.sleep(forTimeInterval: Self.lifetime)
        FileHandle.standardError.write(Data("crash-writer: not killed within \(Self.lifetime) s; stopping\n".utf8))
        throw ExitCode(3)
    }
}
