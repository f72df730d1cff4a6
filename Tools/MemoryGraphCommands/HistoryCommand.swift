import ArgumentParser
import MemoryGraph
import MemoryGraphTools

/// `memory-graph history PATH ID`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print a node's versions, newest first, one JSON object per line.",
        discussion: """
            The current node first (when it exists), then each earlier version the retained change log \
            holds, with its version, update time, result and metadata (earlier versions carry no links). A \
            removed node's versions stay until retention drops them. Fails with exit code 3 when there is none.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The node id.") var id: String

    func run() throws {
        guard let nodeID = NodeID(id) else {
            throw MemoryGraphError(.invalidArgument, "\(id) is not a node id (expected the 8-4-4-4-12 form)")
        }
        let graph = try store.open()
        defer { graph.close() }
        let versions = try graph.history(of: nodeID)
        guard !versions.isEmpty else {
            throw MemoryGraphError(
                .nodeNotFound, "node \(id) does not exist and the change log holds none of its versions")
        }
        for node in versions { OutputFormat.printLine(try MemoryJSON.node(node).jsonString()) }
    }
}
