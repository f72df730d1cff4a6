import Foundation
import MemoryGraphWorkload
import SeededRandom
import Testing

@testable import MemoryGraph

/// Random operations against a store and against ``GraphModel``, comparing every read.
@Suite("Store against a model")
struct StoreModelTests {
    static let agents = ["planner", "critic", "scout", "writer", "agent-ü", "a"]
    static let contexts = ["trip-42", "trip-43", "ctx", "long-" + String(repeating: "x", count: 200)]
    static let types = ["plan", "observation", "critique", "answer"]
    static let tasks = ["task-1", "task-2", "task-3"]

    struct Run {
        var generator: SplitMix64
        var model = GraphModel()
        var graph: MemoryGraph
        let store: TemporaryStore
        let seed: UInt64
        var configuration: MemoryGraph.Configuration

        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &generator)] }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }

        mutating func someNodeID() -> NodeID {
            if !model.nodes.isEmpty && chance(90) { return pick(Array(model.nodes.keys)) }
            return NodeID()  // a node that does not exist
        }

        mutating func randomResult() -> JSONValue {
            var result: [String: JSONValue] = ["summary": .string("s\(generator.next() % 1000)")]
            if chance(85) { result["type"] = .string(pick(StoreModelTests.types)) }
            if chance(85) { result["confidence_score"] = .double(Double(generator.next() % 1001) / 1000) }
            if chance(10) { result["confidence_score"] = .int(1) }
            if chance(20) { result["nested"] = ["list": [1, 2.5, "x", nil, true], "obj": ["k": "v"]] }
            return .object(result)
        }

        mutating func randomDraft(id: NodeID? = nil, extraTargets: [NodeID] = []) -> NodeDraft {
            let linkCount = Int.random(in: 0...3, using: &generator)
            var links: [NodeID] = []
            for _ in 0..<linkCount where !model.nodes.isEmpty { links.append(pick(Array(model.nodes.keys))) }
            if !extraTargets.isEmpty && chance(50) { links.append(pick(extraTargets)) }
            // Timestamps collide often, so ties are ordered by id.
            let micros = 1_760_000_000_000_000 + Int64(generator.next() % 50) * 1_000_000
            return NodeDraft(
                id: id, agentID: pick(StoreModelTests.agents), taskContext: pick(StoreModelTests.contexts),
                result: randomResult(), metadata: ["run": .int(Int(generator.next() % 100))], links: links,
                timestamp: Date(microseconds: micros))
        }

        mutating func invalidDraft() -> NodeDraft {
            var draft = randomDraft()
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: draft.agentID = ""
            case 1: draft.taskContext = String(repeating: "c", count: 300)
            case 2: draft.result = ["confidence_score": 1.5]
            case 3: draft.result = ["type": 7]
            case 4: draft.links = [NodeID()]
            default: draft.result = ["confidence_score": "high"]
            }
            return draft
        }

        func expected(_ draft: NodeDraft, id: NodeID) -> MemoryNode {
            MemoryNode(
                id: id, agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result,
                timestamp: draft.timestamp!, metadata: draft.metadata, links: Array(Set(draft.links)).sorted())
        }

        mutating func step() throws {
            let roll = Int.random(in: 0..<100, using: &generator)
            switch roll {
            case 0..<30:
                if chance(10) {
                    let draft = invalidDraft()
                    #expect(throws: MemoryGraphError.self, "seed \(seed)") { try graph.addNodes([draft]) }
                } else {
                    let draft = randomDraft()
                    let id = try graph.addNode(
                        agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result,
                        metadata: draft.metadata, links: draft.links, timestamp: draft.timestamp)
                    model.add(expected(draft, id: id))
                }
            case 30..<40:
                var drafts: [NodeDraft] = []
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    drafts.append(randomDraft(id: NodeID(), extraTargets: drafts.compactMap(\.id)))
                }
                if chance(20) {
                    drafts.insert(invalidDraft(), at: Int.random(in: 0...drafts.count, using: &generator))
                    #expect(throws: MemoryGraphError.self, "seed \(seed)") { try graph.addNodes(drafts) }
                } else {
                    let ids = try graph.addNodes(drafts)
                    #expect(ids == drafts.compactMap(\.id), "seed \(seed)")
                    for (draft, id) in zip(drafts, ids) { model.add(expected(draft, id: id)) }
                }
            case 40..<55:
                let source = someNodeID()
                let target = someNodeID()
                if source == target || model.nodes[source] == nil || model.nodes[target] == nil {
                    #expect(throws: MemoryGraphError.self, "seed \(seed)") { try graph.link(from: source, to: target) }
                } else {
                    let existed = model.nodes[source]!.links.contains(target)
                    #expect(try graph.link(from: source, to: target) == !existed, "seed \(seed)")
                    model.link(source, target)
                }
            case 55..<62:
                let source = someNodeID()
                let target: NodeID
                if let links = model.nodes[source]?.links, !links.isEmpty, chance(80) {
                    target = pick(links)
                } else {
                    target = someNodeID()
                }
                let existed = model.nodes[source]?.links.contains(target) ?? false
                #expect(try graph.unlink(from: source, to: target) == existed, "seed \(seed)")
                model.unlink(source, target)
            case 62..<70:
                let id = someNodeID()
                #expect(try graph.removeNode(id) == (model.nodes[id] != nil), "seed \(seed)")
                model.remove(id)
            case 70..<80:
                let count = Int.random(in: 0...(configuration.maxNodesPerBundle + 1), using: &generator)
                var members: [NodeID] = []
                for _ in 0..<count where !model.nodes.isEmpty { members.append(pick(Array(model.nodes.keys))) }
                if chance(5) { members.append(NodeID()) }
                let unique = members.uniqued()
                let task = pick(StoreModelTests.tasks)
                let contexts = [pick(StoreModelTests.contexts), pick(StoreModelTests.contexts)]
                let valid =
                    unique.count <= configuration.maxNodesPerBundle && unique.allSatisfy { model.nodes[$0] != nil }
                if valid {
                    let id = try graph.createBundle(
                        taskID: task, agentIDs: [pick(StoreModelTests.agents)], contexts: contexts, nodeIDs: members,
                        metadata: ["n": .int(count)])
                    let stored = try #require(try graph.bundle(id))
                    model.bundles[id] = MemoryBundle(
                        id: id, taskID: task, agentIDs: stored.agentIDs,
                        contexts: contexts.uniqued(), nodeIDs: unique,
                        createdAt: stored.createdAt, metadata: ["n": .int(count)])
                    model.bundleOrder.append(id)
                } else {
                    #expect(throws: MemoryGraphError.self, "seed \(seed)") {
                        try graph.createBundle(taskID: task, contexts: contexts, nodeIDs: members)
                    }
                }
            case 80..<86:
                guard let id = model.bundleOrder.last(where: { _ in chance(30) }) ?? model.bundleOrder.first else {
                    return
                }
                let node = someNodeID()
                var bundle = try #require(model.bundles[id])
                let valid =
                    model.nodes[node] != nil
                    && (bundle.nodeIDs.contains(node) || bundle.nodeIDs.count < configuration.maxNodesPerBundle)
                if valid {
                    try graph.addToBundle(id, nodeIDs: [node])
                    if !bundle.nodeIDs.contains(node) { bundle.nodeIDs.append(node) }
                    model.bundles[id] = bundle
                } else {
                    #expect(throws: MemoryGraphError.self, "seed \(seed)") {
                        try graph.addToBundle(id, nodeIDs: [node])
                    }
                }
            case 86..<89:
                let id = model.bundleOrder.isEmpty || chance(10) ? BundleID() : pick(model.bundleOrder)
                #expect(try graph.removeBundle(id) == (model.bundles[id] != nil), "seed \(seed)")
                model.bundles[id] = nil
                model.bundleOrder.removeAll { $0 == id }
            case 89..<90:
                graph.close()
                graph = try store.open(configuration)
            default:
                try compareSample()
            }
        }

        mutating func compareSample() throws {
            let agent = pick(StoreModelTests.agents)
            let context = pick(StoreModelTests.contexts)
            let recalled = try graph.recall(agentID: agent, taskContext: context)
            #expect(recalled.map(\.id) == model.recall(agent: agent, context: context), "seed \(seed)")
            let limited = try graph.recall(agentID: agent, taskContext: context, limit: 2)
            #expect(limited.map(\.id) == Array(model.recall(agent: agent, context: context).prefix(2)), "seed \(seed)")
            for node in recalled { #expect(node == model.nodes[node.id], "seed \(seed)") }
            let id = someNodeID()
            #expect(try graph.node(id) == model.nodes[id], "seed \(seed)")
            #expect(try graph.links(from: id) == (model.nodes[id]?.links ?? []), "seed \(seed)")
            #expect(try graph.backlinks(to: id) == model.backlinks(id), "seed \(seed)")
            let task = pick(StoreModelTests.tasks)
            #expect(try graph.bundles(forTask: task) == model.bundles(forTask: task), "seed \(seed)")
            #expect(try graph.bundle(forTask: task) == model.bundles(forTask: task).first, "seed \(seed)")
            #expect(try graph.bundles(forContext: context) == model.bundles(forContext: context), "seed \(seed)")
            #expect(try graph.statistics() == model.statistics, "seed \(seed)")
        }

        func compareEverything() throws {
            let ids = Array(model.nodes.keys)
            let stored = try graph.nodes(ids)
            #expect(stored == ids.map { model.nodes[$0] }, "seed \(seed)")
            for id in ids {
                #expect(try graph.backlinks(to: id) == model.backlinks(id), "seed \(seed)")
            }
            for (id, bundle) in model.bundles {
                #expect(try graph.bundle(id) == bundle, "seed \(seed)")
            }
            for agent in StoreModelTests.agents {
                for context in StoreModelTests.contexts {
                    #expect(
                        try graph.recall(agentID: agent, taskContext: context).map(\.id)
                            == model.recall(agent: agent, context: context), "seed \(seed)")
                }
            }
            #expect(try graph.statistics() == model.statistics, "seed \(seed)")
        }
    }

    @Test(
        "random operations match the model under every index update strategy", .tags(.slow),
        arguments: [(UInt64(42), .immediate), (7, .batch), (11, .lazy)] as [(UInt64, MemoryGraph.IndexUpdateStrategy)])
    func randomOperations(seed: UInt64, strategy: MemoryGraph.IndexUpdateStrategy) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = MemoryGraph.Configuration.testing
        configuration.maxNodesPerBundle = 6
        configuration.indexUpdateStrategy = strategy
        var run = Run(
            generator: SplitMix64(seed: seed), graph: try store.open(configuration), store: store, seed: seed,
            configuration: configuration)
        defer { run.graph.close() }
        for index in 1...5_000 {
            try run.step()
            if index % 1_000 == 0 { try run.compareEverything() }
        }
        try run.compareEverything()
    }
}
