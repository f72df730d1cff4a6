import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph restore FILE --into PATH [--force]`.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Build a new store from a dump; the target appears only when the whole dump is in.")

    @Argument(help: "The dump file.") var file: String
    @Option(help: "The store to create.") var into: String
    @Flag(help: "Replace an existing store at the target.") var force = false
    @Option(help: "The largest bundle accepted.") var maxNodesPerBundle = 50

    func run() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.maxNodesPerBundle = maxNodesPerBundle
        let bar = ProgressBar("restore")
        let summary = try MemoryGraph.restore(
            dumpAt: file, into: into, replacing: force, configuration: configuration, progress: bar.update)
        bar.finish()
        FileHandle.standardError.write(
            Data("restored \(summary.nodes) nodes, \(summary.bundles) bundles, \(summary.links) links\n".utf8))
    }
}
