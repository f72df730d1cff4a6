import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph vector-index PATH [--metric M] [--neighbors N] [--construction-breadth N]
/// [--search-breadth N] | --drop`.
struct VectorIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector-index",
        abstract: "Build, change or drop the store's approximate vector index (HNSW), then print its state.",
        discussion: """
            The index is kept in the store and changed with every write by any program that opens it, so it is \
            built once. Building reads every embedding and takes a while for many; other writers wait. Another \
            search breadth only changes the setting; another metric or neighbour count rebuilds. Prints one JSON \
            object: the index's parameters (null without one) and the number of embeddings.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The metric searches walk the index by: cosine, dot or euclidean.") var metric = "cosine"
    @Option(help: "Neighbours a node keeps in each upper layer (twice as many in the bottom one), 4 to 64.")
    var neighbors = 16
    @Option(help: "Candidates a write considers when it links a node.") var constructionBreadth = 100
    @Option(help: "Candidates a search keeps while it walks the bottom layer, 1 to 1000.") var searchBreadth = 64
    @Flag(help: "Remove the index: vector searches compare every candidate exactly.") var drop = false

    func validate() throws {
        guard VectorMetric(rawValue: metric) != nil else {
            throw ValidationError(
                "--metric must be one of \(VectorMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.vectorIndex =
            drop
            ? .drop
            : .hnsw(
                VectorIndexParameters(
                    metric: VectorMetric(rawValue: metric) ?? .cosine, neighbors: neighbors,
                    constructionBreadth: constructionBreadth, searchBreadth: searchBreadth))
        let graph = try MemoryGraph(path: store.path, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        let status = try graph.status()
        let state: JSONValue = [
            "vector_index": status.vectorIndex.map { parameters in
                [
                    "metric": .string(parameters.metric.rawValue), "neighbors": .int(parameters.neighbors),
                    "construction_breadth": .int(parameters.constructionBreadth),
                    "search_breadth": .int(parameters.searchBreadth),
                ]
            } ?? .null,
            "embeddings": .int(status.embeddings),
        ]
        OutputFormat.printLine(try state.jsonString())
    }
}
