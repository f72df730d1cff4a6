import Foundation
import Testing

@testable import MemoryGraph

/// Every kind of bad input gets a clear, typed error, and no named database changes.
@Suite("Bad input")
struct InputValidationTests {
    /// A store with a few nodes, links and a bundle.
    final class Seeded {
        let store = TemporaryStore()
        let graph: MemoryGraph
        let first: NodeID
        let second: NodeID
        let bundle: BundleID

        init() throws {
            var configuration = MemoryGraph.Configuration.testing
            configuration.maxNodesPerBundle = 3
            configuration.maximumPayloadSize = 4_096
            graph = try store.open(configuration)
            first = try graph.addNode(
                agentID: "planner", taskContext: "trip-42", result: ["type": "plan", "confidence_score": 0.5])
            second = try graph.addNode(agentID: "critic", taskContext: "trip-42", result: ["type": "critique"])
            try graph.link(from: second, to: first)
            bundle = try graph.createBundle(taskID: "task-1", contexts: ["trip-42"], nodeIDs: [first])
        }

        deinit {
            graph.close()
            store.remove()
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let code: MemoryGraphError.Code
        let message: String
        let operation: @Sendable (Seeded) throws -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty agent id", code: .invalidArgument, message: "agentID is empty") {
            try $0.graph.addNode(agentID: "", taskContext: "c", result: [:])
        },
        Case(name: "empty context", code: .invalidArgument, message: "taskContext is empty") {
            try $0.graph.addNode(agentID: "a", taskContext: "", result: [:])
        },
        Case(name: "agent id too long", code: .invalidArgument, message: "the limit is 256") {
            try $0.graph.addNode(agentID: String(repeating: "a", count: 257), taskContext: "c", result: [:])
        },
        Case(name: "context too long", code: .invalidArgument, message: "the limit is 256") {
            try $0.graph.addNode(agentID: "a", taskContext: String(repeating: "é", count: 129), result: [:])
        },
        Case(name: "confidence above 1", code: .invalidArgument, message: "confidence_score") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": 1.01])
        },
        Case(name: "negative confidence", code: .invalidArgument, message: "confidence_score") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": -0.1])
        },
        Case(name: "confidence not a number", code: .invalidArgument, message: "confidence_score") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": "high"])
        },
        Case(name: "confidence NaN", code: .invalidArgument, message: "confidence_score") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": .double(.nan)])
        },
        Case(name: "type not a string", code: .invalidArgument, message: "result.type must be a string") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: ["type": 3])
        },
        Case(name: "infinite number in metadata", code: .invalidArgument, message: "metadata.x") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: [:], metadata: ["x": .double(.infinity)])
        },
        Case(name: "link to a missing node", code: .nodeNotFound, message: "does not exist") {
            try $0.graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [NodeID()])
        },
        Case(name: "payload over the maximum", code: .payloadTooLarge, message: "maximumPayloadSize") {
            try $0.graph.addNode(
                agentID: "a", taskContext: "c", result: ["text": .string(String(repeating: "x", count: 5_000))])
        },
        Case(name: "one bad draft in a batch", code: .invalidArgument, message: "draft 1") {
            try $0.graph.addNodes([
                NodeDraft(agentID: "new-agent", taskContext: "new-context", result: ["type": "new-type"]),
                NodeDraft(agentID: "", taskContext: "c", result: [:]),
            ])
        },
        Case(name: "duplicate explicit id", code: .duplicateID, message: "already exists") {
            try $0.graph.addNodes([NodeDraft(id: $0.first, agentID: "a", taskContext: "c", result: [:])])
        },
        Case(name: "link to itself", code: .invalidArgument, message: "itself") {
            try $0.graph.link(from: $0.first, to: $0.first)
        },
        Case(name: "link from a missing node", code: .nodeNotFound, message: "does not exist") {
            try $0.graph.link(from: NodeID(), to: $0.first)
        },
        Case(name: "bundle over the maximum", code: .bundleTooLarge, message: "maxNodesPerBundle") {
            try $0.graph.createBundle(taskID: "t", nodeIDs: [$0.first, $0.second, NodeID(), NodeID()])
        },
        Case(name: "bundle naming a missing node", code: .nodeNotFound, message: "does not exist") {
            try $0.graph.createBundle(taskID: "t", contexts: ["new-context"], nodeIDs: [NodeID()])
        },
        Case(name: "bundle with an empty task id", code: .invalidArgument, message: "taskID is empty") {
            try $0.graph.createBundle(taskID: "", nodeIDs: [$0.first])
        },
        Case(name: "adding a missing node to a bundle", code: .nodeNotFound, message: "does not exist") {
            try $0.graph.addToBundle($0.bundle, nodeIDs: [NodeID()])
        },
        Case(name: "adding to a missing bundle", code: .bundleNotFound, message: "does not exist") {
            try $0.graph.addToBundle(BundleID(), nodeIDs: [$0.first])
        },
        Case(name: "negative recall limit", code: .invalidArgument, message: "limit") {
            _ = try $0.graph.recall(agentID: "planner", taskContext: "trip-42", limit: -1)
        },
    ]

    @Test("bad input is rejected and nothing changes", arguments: cases)
    func rejected(_ testCase: Case) throws {
        let seeded = try Seeded()
        let before = try seeded.graph.rawContents()
        let error = expectError(testCase.code) { try testCase.operation(seeded) }
        #expect(error?.message.contains(testCase.message) == true, "message: \(error?.message ?? "none")")
        #expect(try seeded.graph.rawContents() == before)
    }

    @Test("operations on a closed graph fail with .closed")
    func closedGraph() throws {
        let seeded = try Seeded()
        seeded.graph.close()
        expectError(.closed) { try seeded.graph.node(seeded.first) }
        expectError(.closed) { try seeded.graph.addNode(agentID: "a", taskContext: "c", result: [:]) }
        expectError(.closed) { try seeded.graph.statistics() }
    }

    @Test("invalid configuration values are refused at open")
    func invalidConfiguration() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = MemoryGraph.Configuration.testing
        configuration.maxNodesPerBundle = 0
        let error = expectError(.invalidConfiguration) { try store.open(configuration) }
        #expect(error?.message.contains("maxNodesPerBundle") == true)
        configuration = .testing
        configuration.maximumMapSize = configuration.mapSize - 1
        expectError(.invalidConfiguration) { try store.open(configuration) }
    }

    @Test("disabled bundling is reported")
    func bundlingDisabled() throws {
        var configuration = MemoryGraph.Configuration.testing
        configuration.enableBundling = false
        let graph = try MemoryGraph.ephemeral(configuration: configuration)
        defer { graph.close() }
        expectError(.bundlingDisabled) { try graph.createBundle(taskID: "t") }
        expectError(.bundlingDisabled) { try graph.bundles(forTask: "t") }
    }
}
