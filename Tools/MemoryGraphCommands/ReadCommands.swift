import ArgumentParser
import Foundation
import MemoryGraph
import MemoryGraphTools

/// `memory-graph get PATH ID`.
struct GetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one node as JSON.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The node id.") var id: String

    func run() throws {
        guard let nodeID = NodeID(id) else {
            throw MemoryGraphError(.invalidArgument, "\(id) is not a node id (expected the 8-4-4-4-12 form)")
        }
        let graph = try store.open()
        defer { graph.close() }
        guard let node = try graph.node(nodeID) else {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
        }
        OutputFormat.printLine(try MemoryJSON.node(node).jsonString())
    }
}

/// `memory-graph recall PATH --agent A --context C [--limit N]`.
struct RecallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall", abstract: "Print an agent's nodes in a context, newest first, one JSON object per line.")

    @OptionGroup var store: StoreOptions
    @Option(help: "The agent id.") var agent: String
    @Option(help: "The task context.") var context: String
    @Option(help: "The most nodes to print.") var limit: Int?

    func run() throws {
        let graph = try store.open()
        defer { graph.close() }
        for node in try graph.recall(agentID: agent, taskContext: context, limit: limit) {
            OutputFormat.printLine(try MemoryJSON.node(node).jsonString())
        }
    }
}
