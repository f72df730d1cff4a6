import Foundation
import MemoryGraph

/// The crash test's checks: what the store shows of the writes in flight at a kill, and
/// whether the store holds exactly what the model says.
extension CrashModel {
    /// Applies each write that was in flight at the kill and that the store shows committed
    /// (the writes in flight touch disjoint nodes and bundles, so each one shows alone).
    ///
    /// - Returns: How many had committed.
    /// - Throws: ``Mismatch`` when the store holds part of one write.
    mutating func adoptInFlight(_ operations: [CrashOperation], from graph: MemoryGraph) throws -> Int {
        var committed = 0
        for operation in operations {
            if let outcome = try committedOutcome(of: operation, in: graph) {
                try apply(operation, outcome)
                committed += 1
            }
        }
        return committed
    }

    /// The outcome of `operation` if the store shows it committed, `nil` if it shows nothing of it.
    private func committedOutcome(of operation: CrashOperation, in graph: MemoryGraph) throws -> CrashOutcome? {
        func partial(_ detail: String) -> Mismatch {
            Mismatch(description: "\(operation.text): only part of this write is in the store (\(detail))")
        }
        switch operation {
        case .addNode(let draft):
            let expected = CrashContent.draft(draft.spec, id: nil, links: draft.links)
            var query = MemoryQuery()
            query.agentIDs = [expected.agentID]
            query.contexts = [expected.taskContext]
            let timestamp = CrashContent.timestamp(draft.spec.serial)
            query.timeRange = timestamp..<timestamp.addingTimeInterval(0.000_001)
            let found = try graph.query(query).nodes.filter { $0.result == expected.result }
            guard found.count <= 1 else { throw partial("it was stored \(found.count) times") }
            return found.first.map { .node($0.id) }
        case .addNodes(let drafts):
            let ids = drafts.compactMap(\.id)
            let present = try graph.nodes(ids).filter { $0 != nil }.count
            guard present == 0 || present == ids.count else { throw partial("\(present) of \(ids.count) nodes") }
            return present == 0 ? nil : .nodes(ids)
        case .removeNode(let id):
            return try nodes[id] != nil && graph.node(id) == nil ? .flag(true) : nil
        case .updateNode(let id, let serial, let expected):
            guard let stored = try graph.node(id), nodes[id] != nil else { return nil }
            switch stored.version {
            case expected: return nil
            case expected + 1 where stored.result == CrashContent.result(serial, version: expected + 1):
                return .version(expected + 1)
            default: throw partial("the node is at version \(stored.version) with result \(stored.result)")
            }
        case .link(let source, let target):
            let stored = try graph.links(from: source).contains(target)
            return stored && !hasLink(from: source, to: target) ? .flag(true) : nil
        case .unlink(let source, let target):
            let stored = try graph.links(from: source).contains(target)
            return !stored && hasLink(from: source, to: target) ? .flag(true) : nil
        case .createBundle(let bundle):
            let found = try graph.bundles(forTask: CrashContent.taskID(bundle.serial))
            guard found.count <= 1 else { throw partial("it was stored \(found.count) times") }
            return found.first.map { .bundle($0.id) }
        case .addToBundle(let id, let added):
            let members = bundles[id]?.nodes ?? []
            let new = added.filter { !members.contains($0) }
            let stored = Set(try graph.bundle(id)?.nodeIDs ?? [])
            let present = new.filter(stored.contains).count
            guard present == 0 || present == new.count else { throw partial("\(present) of \(new.count) nodes") }
            return present == 0 ? nil : .done
        case .removeBundle(let id):
            return try bundles[id] != nil && graph.bundle(id) == nil ? .flag(true) : nil
        }
    }

    /// Everything in which the store differs from the model: counts, each node's exact content,
    /// the agent × context indexes (through `recall` and `query`), bundles, and the absence of
    /// `removedNodes` and `removedBundles`. Empty when they agree.
    func differences(from graph: MemoryGraph, removedNodes: [NodeID], removedBundles: [BundleID]) throws -> [String] {
        var found: [String] = []
        let expectedStatistics = GraphStatistics(
            nodes: nodes.count, agents: Set(nodes.values.map(\.agent)).count,
            contexts: Set(nodes.values.map(\.context)).count,
            types: Set(nodes.values.compactMap { CrashContent.type($0.serial) }).count, links: links.count,
            bundles: bundles.count)
        let statistics = try graph.statistics()
        if statistics != expectedStatistics {
            found.append("statistics are \(statistics), expected \(expectedStatistics)")
        }

        let ids = nodeIDs.members
        for start in stride(from: 0, to: ids.count, by: 1_000) {
            let chunk = Array(ids[start..<min(start + 1_000, ids.count)])
            for (id, stored) in zip(chunk, try graph.nodes(chunk)) {
                let expected = expectedNode(id, updatedAt: stored?.updatedAt)
                if stored != expected {
                    found.append(
                        "node \(id) is \(stored.map { "\($0)" } ?? "missing"), expected \(String(describing: expected))"
                    )
                }
                let embedding = nodes[id].flatMap { CrashContent.embedding($0.serial) }
                let storedEmbedding = try graph.embedding(of: id)
                if storedEmbedding != embedding {
                    found.append(
                        "node \(id) has embedding \(String(describing: storedEmbedding)), expected "
                            + "\(String(describing: embedding))")
                }
            }
        }
        for (id, stored) in zip(removedNodes, try graph.nodes(removedNodes)) where stored != nil && nodes[id] == nil {
            found.append("node \(id) was removed but is still there")
        }

        found += try indexDifferences(graph)

        for (id, bundle) in bundles {
            guard let stored = try graph.bundle(id) else {
                found.append("bundle \(id) is missing")
                continue
            }
            if stored.taskID != CrashContent.taskID(bundle.serial)
                || stored.agentIDs != bundle.agents.map({ CrashContent.agents[$0] })
                || stored.contexts != bundle.contexts.map({ CrashContent.contexts[$0] })
                || stored.nodeIDs != bundle.nodes || stored.metadata != CrashContent.metadata(bundle.serial)
            {
                found.append("bundle \(id) is \(stored), expected \(bundle.text)")
            }
            let filed = try graph.bundles(forTask: CrashContent.taskID(bundle.serial)).map(\.id)
            if filed != [id] { found.append("bundles(forTask:) for bundle \(id) returned \(filed)") }
        }
        for id in removedBundles where bundles[id] == nil {
            if try graph.bundle(id) != nil { found.append("bundle \(id) was removed but is still there") }
        }
        return found
    }

    /// Whether `recall` and a paged `query` of every agent × context pair return exactly the
    /// model's nodes of that pair, newest first.
    private func indexDifferences(_ graph: MemoryGraph) throws -> [String] {
        var pairs: [Int: [(serial: Int, id: NodeID)]] = [:]
        for (id, spec) in nodes {
            pairs[spec.agent * CrashContent.contexts.count + spec.context, default: []].append((spec.serial, id))
        }
        var found: [String] = []
        for (agent, agentID) in CrashContent.agents.enumerated() {
            for (context, taskContext) in CrashContent.contexts.enumerated() {
                // Timestamps grow with serials, so newest first is the largest serial first.
                let expected = (pairs[agent * CrashContent.contexts.count + context] ?? [])
                    .sorted { $0.serial > $1.serial }.map(\.id)
                let recalled = try graph.recall(agentID: agentID, taskContext: taskContext).map(\.id)
                if recalled != expected {
                    found.append(describe("recall(\(agentID), \(taskContext))", recalled, expected))
                }
                var query = MemoryQuery()
                query.agentIDs = [agentID]
                query.contexts = [taskContext]
                query.limit = 500
                var page = try graph.query(query)
                var queried = page.nodes.map(\.id)
                while let cursor = page.nextCursor {
                    page = try graph.query(query, after: cursor)
                    queried += page.nodes.map(\.id)
                }
                if queried != expected {
                    found.append(describe("query(\(agentID), \(taskContext))", queried, expected))
                }
            }
        }
        return found
    }

    private func describe(_ call: String, _ returned: [NodeID], _ expected: [NodeID]) -> String {
        let missing = Set(expected).subtracting(returned)
        let unexpected = Set(returned).subtracting(expected)
        return "\(call) returned \(returned.count) nodes, expected \(expected.count): "
            + "missing \(listText(Array(missing.prefix(5)))), unexpected \(listText(Array(unexpected.prefix(5))))"
            + (missing.isEmpty && unexpected.isEmpty ? ", in another order" : "")
    }
}
