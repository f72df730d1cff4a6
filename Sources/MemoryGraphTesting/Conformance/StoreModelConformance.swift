import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Random operations against a backend and against the reference, ``InMemoryGraphStore``: the
/// same seeded sequence of writes (valid and invalid, through the facade and as batches of
/// mutations straight to the store) goes to both, and after each step a sample of reads —
/// nodes, recall, links, backlinks, neighbors, bundles, statistics, a query with its next
/// page — must answer the same; every 200 steps and at the end, everything is compared, the
/// change log and node histories included.
public enum StoreModelConformance {
    static let agents = ["planner", "critic", "scout", "writer", "agent-ü", "a"]
    static let contexts = ["trip-42", "trip-43", "ctx", "long-" + String(repeating: "x", count: 200)]
    static let types = ["plan", "observation", "critique", "answer"]
    static let tasks = ["task-1", "task-2", "task-3"]

    /// Runs `steps` random operations on a new store of `subject` and on the reference, and
    /// records an issue naming the seed and step for every answer that differs.
    ///
    /// - Throws: When a store cannot be opened or read at all.
    public static func randomOperations(on subject: ConformanceSubject, seed: UInt64, steps: Int = 1_000)
        async throws
    {
        var configuration = MemoryGraph.Configuration.conformance
        configuration.maxNodesPerBundle = 6
        // One clock for both, moved by the run, decides which nodes have expired.
        let clock = ManualClock(Date(microseconds: 1_770_000_000_000_000))
        configuration.currentTime = clock.read
        let store = try await subject.makeStore(configuration)
        defer { store.close() }
        var run = Run(
            random: SplitMix64(seed: seed), seed: seed, store: store,
            reference: try MemoryGraph.inMemory(configuration: configuration), configuration: configuration,
            clock: clock)
        for step in 1...steps {
            run.step = step
            try await run.operate()
            try await run.compareSample()
            if step % 200 == 0 { try await run.compareEverything() }
        }
        try await run.compareEverything()
    }

    /// One run: the subject, the reference, and the choices so far.
    struct Run {
        var random: SplitMix64
        let seed: UInt64
        let store: ConformanceStore
        let reference: MemoryGraph
        let configuration: MemoryGraph.Configuration
        let clock: ManualClock
        var step = 0
        var operation = ""
        /// Every bundle id ever created, removed ones included.
        var bundleIDs: [BundleID] = []
        /// The ids of the stored nodes, in the order they were added: what random picks choose
        /// from, so that a seed replays the same operations.
        var nodeIDs: [NodeID] = []
        /// The ids of the nodes removed, whose history the log still holds.
        var removedIDs: [NodeID] = []
        /// When the nodes that expire do, as the reference stored it.
        var expiries: [NodeID: Date] = [:]

        var graph: MemoryGraph { store.graph }
        var context: Comment { "seed \(seed), step \(step), after \(operation)" }

        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

        /// An existing node most of the time, else one that does not exist.
        mutating func someNodeID() -> NodeID {
            !nodeIDs.isEmpty && chance(90) ? pick(nodeIDs) : NodeID.random(using: &random)
        }

        /// Keeps ``nodeIDs`` in step with what the reference did.
        mutating func note(_ mutation: GraphMutation, _ answer: Answer<MutationOutcome>) {
            switch (mutation, answer) {
            case (.addNodes(let drafts), .value(.added(let ids))):
                let new = ids.filter { !nodeIDs.contains($0) }
                nodeIDs += new
                for draft in drafts {
                    if let id = draft.id, let time = draft.expiresAt, new.contains(id) { expiries[id] = time }
                }
            case (.updateNode(let id, let update, _, _), .value(.updated)):
                switch update.expiry {
                case .at(let time)?: expiries[id] = time
                case .never?: expiries[id] = nil
                case nil: break
                }
            case (.removeNode(let id), .value(.changed(true))):
                nodeIDs.removeAll { $0 == id }
                removedIDs.append(id)
            default: break
            }
        }

        mutating func someBundleID() -> BundleID {
            !bundleIDs.isEmpty && chance(90) ? pick(bundleIDs) : .random(using: &random)
        }

        mutating func randomResult() -> JSONValue {
            var result: [String: JSONValue] = ["summary": .string("s\(random.next() % 1000)")]
            if chance(85) { result["type"] = .string(pick(StoreModelConformance.types)) }
            if chance(85) { result["confidence_score"] = .double(Double(random.next() % 1001) / 1000) }
            if chance(10) { result["confidence_score"] = .int(1) }
            if chance(20) { result["nested"] = ["list": [1, 2.5, "x", nil, true], "obj": ["k": "v"]] }
            return .object(result)
        }

        mutating func randomDraft(id: NodeID? = nil, extraTargets: [NodeID] = []) -> NodeDraft {
            var links: [NodeID] = []
            for _ in 0..<Int.random(in: 0...3, using: &random) where !nodeIDs.isEmpty { links.append(pick(nodeIDs)) }
            if !extraTargets.isEmpty && chance(50) { links.append(pick(extraTargets)) }
            // Timestamps collide often, so ties are ordered by id.
            let micros = 1_760_000_000_000_000 + Int64(random.next() % 50) * 1_000_000
            return NodeDraft(
                id: id, agentID: pick(StoreModelConformance.agents), taskContext: pick(StoreModelConformance.contexts),
                result: randomResult(), metadata: ["run": .int(Int(random.next() % 100))], links: links,
                timestamp: Date(microseconds: micros), expiresAt: chance(15) ? randomExpiry() : nil)
        }

        /// A time 1 to 40 seconds ahead of the run's clock.
        mutating func randomExpiry() -> Date {
            clock.now.addingTimeInterval(Double(Int.random(in: 1...40, using: &random)))
        }

        mutating func invalidDraft(id: NodeID? = nil) -> NodeDraft {
            var draft = randomDraft(id: id)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: draft.agentID = ""
            case 1: draft.taskContext = String(repeating: "c", count: 300)
            case 2: draft.result = ["confidence_score": 1.5]
            case 3: draft.result = ["type": 7]
            case 4: draft.links = [NodeID.random(using: &random)]
            case 5 where !nodeIDs.isEmpty: draft.id = pick(nodeIDs)  // a duplicate id
            default: draft.result = ["confidence_score": "high"]
            }
            return draft
        }

        /// Runs `body` on the subject and on the reference and expects the same answer.
        @discardableResult
        func both<T: Equatable>(
            _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: (MemoryGraph) async throws -> T
        ) async -> Answer<T> {
            let answer = await Answer { try await body(graph) }
            let expected = await Answer { try await body(reference) }
            #expect(answer == expected, "\(context): \(what)", sourceLocation: sourceLocation)
            return expected
        }

        // MARK: Writes

        mutating func operate() async throws {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<25: await addNode()
            case 25..<35: await addNodes()
            case 35..<47:
                let (source, target) = (someNodeID(), someNodeID())
                operation = "link \(source) → \(target)"
                await both(operation) { try await $0.link(from: source, to: target) }
            case 47..<54:
                let source = someNodeID()
                let links = try await reference.links(from: source)
                let target = !links.isEmpty && chance(80) ? pick(links) : someNodeID()
                operation = "unlink \(source) → \(target)"
                await both(operation) { try await $0.unlink(from: source, to: target) }
            case 54..<61:
                let id = someNodeID()
                operation = "removeNode \(id)"
                let answer = await both(operation) { try await $0.removeNode(id) }
                note(.removeNode(id), answer.value.map { .value(.changed($0)) } ?? .otherError(""))
            case 61..<70: try await createBundle()
            case 70..<76:
                let id = someBundleID()
                let members = (0..<Int.random(in: 0...3, using: &random)).map { _ in someNodeID() }
                operation = "addToBundle \(id) \(members)"
                await both(operation) {
                    try await $0.addToBundle(id, nodeIDs: members)
                    return true
                }
            case 76..<79:
                let id = someBundleID()
                operation = "removeBundle \(id)"
                await both(operation) { try await $0.removeBundle(id) }
            case 79..<89: await applyBatch()
            case 89..<90:
                operation = "reopen"
                if store.canReopen { try await store.reopen() }
            case 90..<94: try await updateNode()
            case 94..<96: await modifyNode()
            case 96..<97: try await repeatAdd()
            case 97..<99:
                let seconds = Double(Int.random(in: 0...6, using: &random))
                operation = "advance the clock \(seconds) s"
                clock.advance(by: seconds)
                // What expired is gone for the run's picks too.
                let gone = nodeIDs.filter { id in expiries[id].map { $0 <= clock.now } ?? false }
                nodeIDs.removeAll { gone.contains($0) }
                removedIDs += gone
            case 99 where chance(50):
                operation = "sweepExpired"
                await both(operation) { try await $0.sweepExpired() }
            default:
                operation = "reads only"
            }
        }

        /// One node through the facade: the subject gives it its id, the reference takes that id.
        mutating func addNode() async {
            if chance(10) {
                let draft = invalidDraft()
                operation = "addNodes [invalid \(draft)]"
                let answer = await both(operation) { try await $0.addNodes([draft]) }
                #expect(answer.value == nil, "\(context): an invalid draft was stored")
                return
            }
            var draft = randomDraft()
            operation = "addNode \(draft)"
            let answer = await Answer { [graph] in
                try await graph.addNode(
                    agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result,
                    metadata: draft.metadata, links: draft.links, timestamp: draft.timestamp,
                    expiresAt: draft.expiresAt)
            }
            guard let id = answer.value else {
                Issue.record("\(context): \(answer)")
                return
            }
            draft.id = id
            let expected = await Answer { [draft] in try await reference.addNodes([draft]) }
            #expect(expected == .value([id]), "\(context)")
            note(.addNodes([draft]), .value(.added([id])))
        }

        /// The time an update made at `step` stores, the same in both stores.
        var updateTime: Date { Date(microseconds: 1_770_000_000_000_000 + Int64(step) * 1_000) }

        /// An update straight to both stores: with no expected version, the current one, a
        /// stale or a future one; sometimes of a missing node, sometimes invalid.
        mutating func updateNode() async throws {
            let id = someNodeID()
            let current = try await reference.node(id)?.version ?? 1
            let expected: Int? =
                switch Int.random(in: 0..<5, using: &random) {
                case 0: nil
                case 1: current > 1 ? Int.random(in: 1..<current, using: &random) : current + 1
                case 2: chance(50) ? 0 : current + 1
                default: current
                }
            var update = NodeUpdate()
            switch Int.random(in: 0..<10, using: &random) {
            case 0: update.metadata = ["run": .int(Int(random.next() % 100)), "updated": true]
            case 1:
                update.result = randomResult()
                update.metadata = [:]
            case 2: update.result = chance(50) ? ["confidence_score": 1.5] : ["type": 7]
            case 3 where chance(30): break  // nothing to change
            case 4: update.expiry = chance(70) ? .at(randomExpiry()) : chance(50) ? .never : .at(clock.now)
            default: update.result = randomResult()
            }
            let mutation = GraphMutation.updateNode(id, update, expectedVersion: expected, updatedAt: updateTime)
            operation = "\(mutation)"
            let answer = await graph.store.apply([mutation]).map(Self.answer)
            let wanted = await reference.store.apply([mutation]).map(Self.answer)
            #expect(answer == wanted, "\(context)")
            note(mutation, wanted[0])
        }

        /// A read-modify-write on both stores, whose closure counts in the result, leaves the
        /// node alone, throws its own error, or returns an invalid update.
        mutating func modifyNode() async {
            let id = someNodeID()
            let mode = Int.random(in: 0..<10, using: &random)
            let type = pick(StoreModelConformance.types)
            let body: @Sendable (MemoryNode) throws -> NodeUpdate? = { node in
                switch mode {
                case 0: return nil
                case 1: throw ModifyRefusal(id: node.id)
                case 2: return NodeUpdate(result: ["confidence_score": -1])
                default:
                    let count = node.result["count"]?.intValue ?? 0
                    return NodeUpdate(
                        result: ["type": .string(type), "count": .int(count + 1), "confidence_score": 0.5])
                }
            }
            operation = "modify \(id) (mode \(mode))"
            let time = updateTime
            let answer = await Answer { [graph] in try await graph.store.modifyNode(id, updatedAt: time, body) }
            let wanted = await Answer { [reference] in try await reference.store.modifyNode(id, updatedAt: time, body) }
            #expect(answer == wanted, "\(context)")
        }

        /// An add that repeats a stored node (a retried request): the same id, nothing added;
        /// or with one field changed, a duplicate.
        mutating func repeatAdd() async throws {
            guard !nodeIDs.isEmpty, let node = try await reference.node(pick(nodeIDs)) else { return }
            var draft = NodeDraft(
                id: node.id, agentID: node.agentID, taskContext: node.taskContext, result: node.result,
                metadata: node.metadata, links: node.links.reversed(), timestamp: nil)
            if chance(30) { draft.metadata["changed"] = true }
            operation = "repeat addNodes \(draft)"
            await both(operation) { [draft] in try await $0.addNodes([draft]) }
        }

        /// A batch of drafts with their ids, which may link to each other; sometimes one invalid.
        mutating func addNodes() async {
            var drafts: [NodeDraft] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                drafts.append(randomDraft(id: .random(using: &random), extraTargets: drafts.compactMap(\.id)))
            }
            if chance(20) {
                drafts.insert(
                    invalidDraft(id: .random(using: &random)), at: Int.random(in: 0...drafts.count, using: &random))
            } else if chance(10), drafts.count > 1, let later = drafts.last?.id {
                drafts[0].links.append(later)  // a link to a later draft of the same call
            }
            operation = "addNodes \(drafts)"
            let answer = await both(operation) { [drafts] in try await $0.addNodes(drafts) }
            note(.addNodes(drafts), answer.value.map { .value(.added($0)) } ?? .otherError(""))
        }

        /// A bundle through the facade: the subject gives it its id and creation time, the
        /// reference takes them.
        mutating func createBundle() async throws {
            let count = Int.random(in: 0...(configuration.maxNodesPerBundle + 1), using: &random)
            var members = (0..<count).compactMap { _ in nodeIDs.isEmpty ? nil : pick(nodeIDs) }
            if chance(5) { members.append(.random(using: &random)) }
            let task = pick(StoreModelConformance.tasks)
            let agents = [pick(StoreModelConformance.agents), pick(StoreModelConformance.agents)]
            let contexts = [pick(StoreModelConformance.contexts), pick(StoreModelConformance.contexts)]
            let metadata: [String: JSONValue] = ["n": .int(count)]
            operation = "createBundle \(task) \(members)"
            let answer = await Answer { [graph, members] in
                try await graph.createBundle(
                    taskID: task, agentIDs: agents, contexts: contexts, nodeIDs: members, metadata: metadata)
            }
            guard let id = answer.value else {
                let expected = await Answer { [members] in
                    try await reference.createBundle(
                        taskID: task, agentIDs: agents, contexts: contexts, nodeIDs: members, metadata: metadata)
                }
                #expect(answer == expected, "\(context)")
                return
            }
            bundleIDs.append(id)
            let stored = try #require(try await graph.bundle(id), "\(context): the new bundle is missing")
            let bundle = MemoryBundle(
                id: id, taskID: task, agentIDs: agents.uniqued(), contexts: contexts.uniqued(),
                nodeIDs: members.uniqued(), createdAt: stored.createdAt, metadata: metadata)
            let expected = await reference.store.apply([.createBundle(bundle)])
            #expect(expected.map(Self.answer) == [.value(.bundleCreated(id))], "\(context)")
        }

        /// A batch of random mutations straight to both stores: each must succeed or fail alone,
        /// the same way in both.
        mutating func applyBatch() async {
            var batch: [GraphMutation] = []
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                switch Int.random(in: 0..<9, using: &random) {
                case 0:
                    let extra = batch.flatMap { mutation -> [NodeID] in
                        guard case .addNodes(let drafts) = mutation else { return [] }
                        return drafts.compactMap(\.id)
                    }
                    batch.append(
                        .addNodes([
                            chance(15)
                                ? invalidDraft(id: .random(using: &random))
                                : randomDraft(id: .random(using: &random), extraTargets: extra)
                        ]))
                case 1: batch.append(.link(from: someNodeID(), to: someNodeID()))
                case 2: batch.append(.unlink(from: someNodeID(), to: someNodeID()))
                case 3: batch.append(.removeNode(someNodeID()))
                case 4:
                    let id = chance(5) && !bundleIDs.isEmpty ? pick(bundleIDs) : BundleID.random(using: &random)
                    let members = (0..<Int.random(in: 0...4, using: &random)).map { _ in someNodeID() }.uniqued()
                    bundleIDs.append(id)
                    batch.append(
                        .createBundle(
                            MemoryBundle(
                                id: id, taskID: pick(StoreModelConformance.tasks),
                                agentIDs: [pick(StoreModelConformance.agents)],
                                contexts: [pick(StoreModelConformance.contexts)], nodeIDs: members,
                                createdAt: Date(), metadata: [:])))
                case 5: batch.append(.addToBundle(someBundleID(), nodeIDs: [someNodeID(), someNodeID()]))
                case 6: batch.append(.removeBundle(someBundleID()))
                case 8 where chance(25):
                    // Forgetting a few of the nodes a random query matches, in the query's order.
                    batch.append(.forgetNodes(randomQuery(), limit: Int.random(in: 1...3, using: &random)))
                case 7:
                    batch.append(
                        .updateNode(
                            someNodeID(), NodeUpdate(result: randomResult()),
                            expectedVersion: chance(50) ? nil : Int.random(in: 1...3, using: &random),
                            updatedAt: updateTime))
                default:
                    batch.append(
                        .setCreationTime(chance(20) ? Date(timeIntervalSince1970: 1e10) : Date(microseconds: 1_000_000))
                    )
                }
            }
            operation = "apply \(batch)"
            let answers = await graph.store.apply(batch).map(Self.answer)
            let expected = await reference.store.apply(batch).map(Self.answer)
            #expect(answers == expected, "\(context)")
            for (mutation, answer) in zip(batch, expected) { note(mutation, answer) }
            if batch.contains(where: { if case .forgetNodes = $0 { true } else { false } }),
                let stored = try? await reference.nodes(nodeIDs)
            {
                // A forget removed nodes the run did not pick: keep the list to what is stored.
                let gone = zip(nodeIDs, stored).filter { $0.1 == nil }.map(\.0)
                nodeIDs.removeAll { gone.contains($0) }
                removedIDs += gone
            }
        }

        static func answer(_ result: Result<MutationOutcome, MemoryGraphError>) -> Answer<MutationOutcome> {
            switch result {
            case .success(let outcome): .value(outcome)
            case .failure(let error): .error(error.code)
            }
        }

        // MARK: Reads

        /// A sample of reads, each of which must answer as the reference does: those of one
        /// node and one agent and context at every step, in turn the bundle lists or a query.
        mutating func compareSample() async throws {
            let id = someNodeID()
            await both("node") { try await $0.node(id) }
            await both("links") { try await $0.links(from: id) }
            await both("backlinks") { try await $0.backlinks(to: id) }
            let ids = [id, someNodeID(), NodeID.random(using: &random)]
            await both("nodes") { try await $0.nodes(ids) }
            let (agent, context) = (pick(StoreModelConformance.agents), pick(StoreModelConformance.contexts))
            await both("recall") { try await $0.recall(agentID: agent, taskContext: context) }
            await both("recall, limit 2") { try await $0.recall(agentID: agent, taskContext: context, limit: 2) }
            let direction = pick(LinkDirection.allCases)
            let (depth, limit) = (Int.random(in: 0...3, using: &random), Int.random(in: 0...12, using: &random))
            await both("neighbors \(direction) \(depth) \(limit)") {
                try await $0.neighbors(of: id, direction: direction, depth: depth, limit: limit)
            }
            let bundle = someBundleID()
            await both("bundle") { try await $0.bundle(bundle) }
            await both("statistics") { try await $0.statistics() }
            if step % 2 == 0 {
                let task = pick(StoreModelConformance.tasks)
                await both("bundles(forTask:)") { try await $0.bundles(forTask: task) }
                await both("bundle(forTask:)") { try await $0.bundle(forTask: task) }
                await both("bundles(forContext:)") { try await $0.bundles(forContext: context) }
            } else {
                try await compare(randomQuery())
            }
        }

        /// Everything: every node, link and bundle (the records of a dump), every backlink, every
        /// recall, the statistics.
        mutating func compareEverything() async throws {
            await both("the dumped records") { try await $0.dumpedRecords() }
            for id in nodeIDs {
                await both("backlinks of \(id)") { try await $0.backlinks(to: id) }
            }
            for agent in StoreModelConformance.agents {
                for context in StoreModelConformance.contexts {
                    await both("recall \(agent) \(context)") {
                        try await $0.recall(agentID: agent, taskContext: context)
                    }
                }
            }
            await both("statistics") { try await $0.statistics() }
            await both("the change log") { graph in
                try await ChangeLogConformance.allChanges(graph).map(ChangeLogConformance.Entry.init)
            }
            for id in nodeIDs.suffix(10) + removedIDs.suffix(10) {
                await both("history of \(id)") { try await $0.history(of: id) }
            }
            var query = randomQuery()
            query.limit = 50
            try await compare(query, walkingEveryPage: true)
        }

        /// A query over the run's names and times.
        mutating func randomQuery() -> MemoryQuery {
            var query = MemoryQuery()
            if chance(40) { query.agentIDs = [pick(StoreModelConformance.agents), pick(StoreModelConformance.agents)] }
            if chance(40) { query.contexts = [pick(StoreModelConformance.contexts)] }
            if chance(30) { query.types = [pick(StoreModelConformance.types), "unknown"] }
            if chance(30) {
                let bounds = [Int64(random.next() % 52), Int64(random.next() % 52)].sorted()
                query.timeRange =
                    Date(
                        microseconds: 1_760_000_000_000_000 + bounds[0] * 1_000_000)..<Date(
                        microseconds: 1_760_000_000_000_000 + bounds[1] * 1_000_000)
            }
            if chance(25) { query.minConfidence = Double(random.next() % 1001) / 1000 }
            if chance(15) { query.maxConfidence = Double(random.next() % 1001) / 1000 }
            if chance(10) { query.linkedFrom = someNodeID() }
            if chance(10) { query.linkedTo = someNodeID() }
            query.order = chance(50) ? .newestFirst : .oldestFirst
            query.limit = pick([1, 3, 10, 100])
            return query
        }

        /// Count, ids, plan figures, the first page and the next (or every page).
        func compare(_ query: MemoryQuery, walkingEveryPage: Bool = false) async throws {
            await both("count \(query)") { try await $0.count(query) }
            await both("queryIDs \(query)") { try await $0.queryIDs(query) }
            var cursor: QueryCursor?
            var pages = 0
            repeat {
                let page = await both("page \(pages) of \(query)") { [cursor] graph in
                    if let cursor { try await graph.query(query, after: cursor) } else { try await graph.query(query) }
                }
                cursor = page.value?.nextCursor
                pages += 1
            } while cursor != nil && (walkingEveryPage || pages < 2)
        }
    }
}

/// The error a conformance test's modify closure throws, which the caller must get back as it is.
struct ModifyRefusal: Error, CustomStringConvertible {
    let id: NodeID
    var description: String { "the closure refused to modify \(id)" }
}
