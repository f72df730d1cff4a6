import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph stat PATH [--json]`.
struct StatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stat",
        abstract: "Show the schema version, counts, every named database, the map and reader slots.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        let graph = try store.open()
        defer { graph.close() }
        let status = try graph.status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            OutputFormat.printLine(String(decoding: try encoder.encode(status), as: UTF8.self))
            return
        }
        let counts = status.statistics
        var lines = [
            "schema version \(status.schemaVersion)",
            "nodes \(counts.nodes) · agents \(counts.agents) · contexts \(counts.contexts) · types \(counts.types) · "
                + "links \(counts.links) · bundles \(counts.bundles)",
            "map \(status.mapSize) bytes · used \(status.usedBytes) bytes",
            "readers \(status.readersInUse) of \(status.maximumReaders) in use · \(status.staleReadersFreed) stale freed",
            "embeddings \(status.embeddings) · vector index "
                + (status.vectorIndex.map {
                    "\($0.metric.rawValue), \($0.neighbors) neighbours, construction breadth \($0.constructionBreadth), "
                        + "search breadth \($0.searchBreadth)"
                } ?? "none"),
            "",
            "database".padding(toLength: 20, withPad: " ", startingAt: 0) + "   entries     pages  depth",
        ]
        for database in status.databases {
            lines.append(
                database.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(format: "%10d %9d %6d", database.entries, database.pages, database.depth))
        }
        OutputFormat.printLine(lines.joined(separator: "\n"))
    }
}
