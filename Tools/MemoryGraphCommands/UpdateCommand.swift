import ArgumentParser
import MemoryGraph
import MemoryGraphTools

/// `memory-graph update PATH ID [--result JSON] [--metadata JSON] [--expires-at TIME | --never-expires]
/// [--expected-version N]`.
struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Replace a node's result and/or metadata and print the node as stored, as JSON.",
        discussion: """
            With --expected-version the update is a compare-and-set: it is written only while the node is at \
            that version, and otherwise fails with exit code 4, naming the stored version. Without it the \
            last writer wins.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The node id.") var id: String
    @Option(help: "The new result, a JSON value (an object with `type` and `confidence_score` by convention).")
    var result: String?
    @Option(help: "The new metadata, a JSON object; it replaces the stored metadata.") var metadata: String?
    @Option(help: "When the node expires, an ISO 8601 time in the future.") var expiresAt: String?
    @Flag(help: "The node never expires.") var neverExpires = false
    @Option(help: "The version the node must be at (compare-and-set).") var expectedVersion: Int?

    func validate() throws {
        if expiresAt != nil, neverExpires { throw ValidationError("give --expires-at or --never-expires, not both") }
        if let expiresAt, MemoryJSON.date(expiresAt) == nil {
            throw ValidationError("--expires-at \(expiresAt) is not an ISO 8601 time such as 2026-11-24T09:30:00Z")
        }
    }

    func run() throws {
        guard let nodeID = NodeID(id) else {
            throw MemoryGraphError(.invalidArgument, "\(id) is not a node id (expected the 8-4-4-4-12 form)")
        }
        let newResult = try result.map { try Self.parse($0, "--result") }
        let newMetadata = try metadata.map { text -> [String: JSONValue] in
            guard case .object(let members) = try Self.parse(text, "--metadata") else {
                throw MemoryGraphError(.invalidArgument, "--metadata must be a JSON object, got \(text)")
            }
            return members
        }
        let graph = try store.open(writable: true)
        defer { graph.close() }
        let expiry = neverExpires ? .never : expiresAt.flatMap(MemoryJSON.date).map(NodeUpdate.Expiry.at)
        try graph.updateNode(
            nodeID, result: newResult, metadata: newMetadata, expiry: expiry, expectedVersion: expectedVersion)
        guard let node = try graph.node(nodeID) else {
            throw MemoryGraphError(.nodeNotFound, "node \(id) was removed right after the update")
        }
        OutputFormat.printLine(try MemoryJSON.node(node).jsonString())
    }

    private static func parse(_ text: String, _ option: String) throws -> JSONValue {
        do {
            return try JSONValue(jsonString: text)
        } catch {
            throw MemoryGraphError(.invalidArgument, "\(option) is not valid JSON: \(error)")
        }
    }
}
