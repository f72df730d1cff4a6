import Foundation
public import MemoryGraphCore
public import Testing

/// Bad input: every kind gets its typed error with a message that says what was wrong, and
/// leaves the store as it was — its dump and statistics, and its raw contents where the backend
/// shows them (byte for byte, for LMDB).
public enum InputConformance {
    /// A store with two nodes, a link and a bundle, opened with `maxNodesPerBundle` 3 and
    /// `maximumPayloadSize` 4 096.
    public struct Fixture: Sendable {
        /// The graph.
        public let graph: MemoryGraph
        /// A node of `planner` in `trip-42`, in ``bundle``.
        public let first: NodeID
        /// A node of `critic` in `trip-42` that links to ``first``.
        public let second: NodeID
        /// A bundle of `task-1` holding ``first``.
        public let bundle: BundleID
        /// Two nodes of `scout` in `trip-43`, without links or bundles.
        public let spare: [NodeID]

        static var configuration: MemoryGraph.Configuration {
            var configuration = MemoryGraph.Configuration.conformance
            configuration.maxNodesPerBundle = 3
            configuration.maximumPayloadSize = 4_096
            return configuration
        }

        init(_ graph: MemoryGraph) async throws {
            self.graph = graph
            first = try await graph.addNode(
                agentID: "planner", taskContext: "trip-42", result: ["type": "plan", "confidence_score": 0.5])
            second = try await graph.addNode(agentID: "critic", taskContext: "trip-42", result: ["type": "critique"])
            try await graph.link(from: second, to: first)
            bundle = try await graph.createBundle(taskID: "task-1", contexts: ["trip-42"], nodeIDs: [first])
            spare = try await graph.addNodes([
                NodeDraft(agentID: "scout", taskContext: "trip-43", result: ["type": "observation"]),
                NodeDraft(agentID: "scout", taskContext: "trip-43", result: [:]),
            ])
        }
    }

    /// One kind of bad input: the operation, and the code and part of the message it must fail with.
    public struct Case: Sendable, CustomTestStringConvertible {
        /// What is wrong.
        public let name: String
        /// The code the operation must fail with.
        public let code: MemoryGraphError.Code
        /// Text the error's message must contain.
        public let message: String
        /// The operation.
        public let operation: @Sendable (Fixture) async throws -> Void

        /// The name, as test results show the argument.
        public var testDescription: String { name }
    }

    /// Every kind of bad input the suite tries.
    public static let cases: [Case] = [
        Case(name: "empty agent id", code: .invalidArgument, message: "agentID is empty") {
            try await $0.graph.addNode(agentID: "", taskContext: "c", result: [:])
        },
        Case(name: "empty context", code: .invalidArgument, message: "taskContext is empty") {
            try await $0.graph.addNode(agentID: "a", taskContext: "", result: [:])
        },
        Case(name: "agent id too long", code: .invalidArgument, message: "the limit is 256") {
            try await $0.graph.addNode(agentID: String(repeating: "a", count: 257), taskContext: "c", result: [:])
        },
        Case(name: "context too long", code: .invalidArgument, message: "the limit is 256") {
            try await $0.graph.addNode(agentID: "a", taskContext: String(repeating: "é", count: 129), result: [:])
        },
        Case(name: "confidence above 1", code: .invalidArgument, message: "confidence_score") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": 1.01])
        },
        Case(name: "negative confidence", code: .invalidArgument, message: "confidence_score") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": -0.1])
        },
        Case(name: "confidence not a number", code: .invalidArgument, message: "confidence_score") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": "high"])
        },
        Case(name: "confidence NaN", code: .invalidArgument, message: "confidence_score") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: ["confidence_score": .double(.nan)])
        },
        Case(name: "type not a string", code: .invalidArgument, message: "result.type must be a string") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: ["type": 3])
        },
        Case(name: "infinite number in metadata", code: .invalidArgument, message: "metadata.x") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: [:], metadata: ["x": .double(.infinity)])
        },
        Case(name: "timestamp outside the stored range", code: .invalidArgument, message: "outside the stored range") {
            try await $0.graph.addNode(
                agentID: "a", taskContext: "c", result: [:], timestamp: Date(timeIntervalSince1970: 5e9))
        },
        Case(name: "link to a missing node", code: .nodeNotFound, message: "does not exist") {
            try await $0.graph.addNode(agentID: "a", taskContext: "c", result: [:], links: [NodeID()])
        },
        Case(name: "payload over the maximum", code: .payloadTooLarge, message: "maximumPayloadSize") {
            try await $0.graph.addNode(
                agentID: "a", taskContext: "c", result: ["text": .string(String(repeating: "x", count: 5_000))])
        },
        Case(name: "one bad draft in a batch", code: .invalidArgument, message: "draft 1") {
            try await $0.graph.addNodes([
                NodeDraft(agentID: "new-agent", taskContext: "new-context", result: ["type": "new-type"]),
                NodeDraft(agentID: "", taskContext: "c", result: [:]),
            ])
        },
        Case(name: "duplicate explicit id", code: .duplicateID, message: "already exists") {
            try await $0.graph.addNodes([NodeDraft(id: $0.first, agentID: "a", taskContext: "c", result: [:])])
        },
        Case(name: "one id twice in a batch", code: .duplicateID, message: "given twice in one call") {
            let id = NodeID()
            try await $0.graph.addNodes([
                NodeDraft(id: id, agentID: "new-agent", taskContext: "c", result: [:]),
                NodeDraft(id: id, agentID: "a", taskContext: "c", result: [:]),
            ])
        },
        Case(name: "a draft linking to a later draft", code: .nodeNotFound, message: "add it first") {
            let later = NodeID()
            try await $0.graph.addNodes([
                NodeDraft(agentID: "new-agent", taskContext: "c", result: [:], links: [later]),
                NodeDraft(id: later, agentID: "a", taskContext: "c", result: [:]),
            ])
        },
        Case(name: "link to itself", code: .invalidArgument, message: "itself") {
            try await $0.graph.link(from: $0.first, to: $0.first)
        },
        Case(name: "link from a missing node", code: .nodeNotFound, message: "does not exist") {
            try await $0.graph.link(from: NodeID(), to: $0.first)
        },
        Case(name: "link to a missing node, straight to the store", code: .nodeNotFound, message: "does not exist") {
            _ = try await $0.graph.store.apply([.link(from: $0.first, to: NodeID())])[0].get()
        },
        Case(name: "bundle over the maximum", code: .bundleTooLarge, message: "maxNodesPerBundle") {
            try await $0.graph.createBundle(taskID: "t", nodeIDs: [$0.first, $0.second, NodeID(), NodeID()])
        },
        Case(name: "bundle over the maximum, straight to the store", code: .bundleTooLarge, message: "at most 3") {
            let bundle = MemoryBundle(
                id: BundleID(), taskID: "t", agentIDs: [], contexts: [],
                nodeIDs: [$0.first, $0.second, NodeID(), NodeID()],
                createdAt: Date())
            _ = try await $0.graph.store.apply([.createBundle(bundle)])[0].get()
        },
        Case(name: "bundle naming a missing node", code: .nodeNotFound, message: "does not exist") {
            try await $0.graph.createBundle(taskID: "t", contexts: ["new-context"], nodeIDs: [NodeID()])
        },
        Case(name: "bundle with an existing id", code: .duplicateID, message: "already exists") {
            let bundle = MemoryBundle(
                id: $0.bundle, taskID: "other-task", agentIDs: [], contexts: ["new-context"], nodeIDs: [$0.second],
                createdAt: Date())
            _ = try await $0.graph.store.apply([.createBundle(bundle)])[0].get()
        },
        Case(name: "bundle with an empty task id", code: .invalidArgument, message: "taskID is empty") {
            try await $0.graph.createBundle(taskID: "", nodeIDs: [$0.first])
        },
        Case(name: "adding a missing node to a bundle", code: .nodeNotFound, message: "does not exist") {
            try await $0.graph.addToBundle($0.bundle, nodeIDs: [NodeID()])
        },
        Case(name: "adding past a bundle's maximum", code: .bundleTooLarge, message: "would hold 4") {
            try await $0.graph.addToBundle($0.bundle, nodeIDs: [$0.second, $0.first] + $0.spare)
        },
        Case(name: "adding to a missing bundle", code: .bundleNotFound, message: "does not exist") {
            try await $0.graph.addToBundle(BundleID(), nodeIDs: [$0.first])
        },
        Case(
            name: "creation time outside the stored range", code: .invalidArgument, message: "outside the stored range"
        ) {
            _ = try await $0.graph.store.apply([.setCreationTime(Date(timeIntervalSince1970: -3e9))])[0].get()
        },
        Case(name: "negative recall limit", code: .invalidArgument, message: "limit") {
            _ = try await $0.graph.recall(agentID: "planner", taskContext: "trip-42", limit: -1)
        },
        Case(name: "query limit 0", code: .invalidArgument, message: "limit must be at least 1") {
            var query = MemoryQuery()
            query.limit = 0
            _ = try await $0.graph.query(query)
        },
        Case(name: "infinite confidence bound", code: .invalidArgument, message: "finite") {
            var query = MemoryQuery()
            query.minConfidence = -.infinity
            _ = try await $0.graph.count(query)
        },
        Case(name: "a cursor of another query", code: .invalidCursor, message: "different query") {
            var query = MemoryQuery()
            query.limit = 1
            let cursor = try #require(try await $0.graph.query(query).nextCursor)
            query.order = .oldestFirst
            _ = try await $0.graph.query(query, after: cursor)
        },
        Case(name: "negative neighbors depth", code: .invalidArgument, message: "must not be negative") {
            _ = try await $0.graph.neighbors(of: $0.first, depth: -1)
        },
    ]

    /// Runs `testCase` on a new store of `subject` and expects its error and an unchanged store.
    ///
    /// - Throws: When the store cannot be opened, seeded or read.
    public static func rejected(_ testCase: Case, on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore(Fixture.configuration)
        defer { store.close() }
        let fixture = try await Fixture(store.graph)
        let before = try await StoreContents(store)
        let error = await expectError(testCase.code) { try await testCase.operation(fixture) }
        #expect(error?.message.contains(testCase.message) == true, "message: \(error?.message ?? "none")")
        #expect(try await StoreContents(store) == before, "the store changed")
    }

    /// Every operation on a closed graph fails with ``MemoryGraphError/Code/closed``.
    ///
    /// - Throws: When the store cannot be opened or seeded.
    public static func closedGraph(on subject: ConformanceSubject) async throws {
        let store = try await subject.makeStore(Fixture.configuration)
        defer { store.close() }
        let fixture = try await Fixture(store.graph)
        let graph = fixture.graph
        graph.close()
        #expect(graph.isClosed)
        graph.close()  // harmless
        await expectError(.closed) { try await graph.node(fixture.first) }
        await expectError(.closed) { try await graph.addNode(agentID: "a", taskContext: "c", result: [:]) }
        await expectError(.closed) { try await graph.link(from: fixture.second, to: fixture.first) }
        await expectError(.closed) { try await graph.statistics() }
        await expectError(.closed) { try await graph.query(MemoryQuery()) }
        await expectError(.closed) { try await graph.bundles(forTask: "task-1") }
        await expectError(.closed) { try await graph.dumpLines() }
        let outcomes = await graph.store.apply([.removeNode(fixture.first), .removeBundle(fixture.bundle)])
        #expect(outcomes.allSatisfy { (try? $0.get()) == nil }, "\(outcomes)")
    }

    /// With bundling off, every bundle operation fails with
    /// ``MemoryGraphError/Code/bundlingDisabled``, through the facade and straight to the store.
    ///
    /// - Throws: When the store cannot be opened.
    public static func bundlingDisabled(on subject: ConformanceSubject) async throws {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.enableBundling = false
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        let graph = store.graph
        let node = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        await expectError(.bundlingDisabled) { try await graph.createBundle(taskID: "t") }
        await expectError(.bundlingDisabled) { try await graph.bundles(forTask: "t") }
        let bundle = MemoryBundle(
            id: BundleID(), taskID: "t", agentIDs: [], contexts: [], nodeIDs: [node], createdAt: Date())
        for mutation in [
            GraphMutation.createBundle(bundle), .addToBundle(bundle.id, nodeIDs: [node]), .removeBundle(bundle.id),
        ] {
            await expectError(.bundlingDisabled, "\(mutation)") { try await graph.store.apply([mutation])[0].get() }
        }
        #expect(try await graph.statistics().bundles == 0)
    }
}
