import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

import struct NIOConcurrencyHelpers.NIOLockedValueBox

/// The writes of one crash-test child: lanes that write continuously on one graph, each write
/// chosen from a shared model of the store and logged twice — its intent before the call, its
/// result after the call returned.
///
/// Writes that are in flight at the same time touch disjoint nodes and bundles (each write
/// reserves what it names until it is acknowledged), so whichever of them committed before a
/// kill, the checker can tell from the store alone, and every result can be predicted from the
/// model.
final class CrashWriter: Sendable {
    /// A write chosen and logged, not yet acknowledged.
    struct Planned: Sendable {
        var sequence: Int
        var operation: CrashOperation
        var nodes: [NodeID]
        var bundles: [BundleID]
    }

    private struct State: Sendable {
        var model: CrashModel
        var log: FileHandle
        var reservedNodes: Set<NodeID> = []
        var reservedBundles: Set<BundleID> = []
        var nextSequence = 0
        var nextSerial: Int
    }

    /// Past this many nodes half the adds become removals, so the store stays around this size
    /// and the checks after each kill, which read the whole store, stay quick.
    static let nodeCeiling = 20_000

    /// Bundles never grow past this (the configuration's default `maxNodesPerBundle`).
    static let maximumBundleSize = MemoryGraph.Configuration().maxNodesPerBundle

    private let graph: MemoryGraph
    private let state: NIOLockedValueBox<State>

    /// A writer on `graph`, whose content `model` describes; it appends to the side log at
    /// `logPath` and numbers new nodes and bundles from `firstSerial`.
    init(graph: MemoryGraph, model: CrashModel, logPath: String, firstSerial: Int) throws {
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
            let log = FileHandle(forWritingAtPath: logPath)
        else { throw CrashWriterFailure(description: "cannot create the side log \(logPath)") }
        self.graph = graph
        state = NIOLockedValueBox(State(model: model, log: log, nextSerial: firstSerial))
    }

    /// Writes with the synchronous API until the process ends.
    func runSynchronousLane(seed: UInt64) -> Never {
        var random = SplitMix64(seed: seed)
        while true {
            let planned = plan(using: &random)
            do {
                acknowledge(planned, try perform(planned.operation))
            } catch {
                fail(planned, error)
            }
        }
    }

    /// Writes with the `async` API until the process ends.
    func runAsynchronousLane(seed: UInt64) async -> Never {
        var random = SplitMix64(seed: seed)
        while true {
            let planned = plan(using: &random)
            do {
                acknowledge(planned, try await performAsynchronously(planned.operation))
            } catch {
                fail(planned, error)
            }
        }
    }

    // MARK: Logging

    /// Chooses a write, reserves what it touches and logs its intent.
    private func plan(using random: inout SplitMix64) -> Planned {
        state.withLockedValue { state in
            let (operation, nodes, bundles) = Self.choose(&state, using: &random)
            state.reservedNodes.formUnion(nodes)
            state.reservedBundles.formUnion(bundles)
            let planned = Planned(sequence: state.nextSequence, operation: operation, nodes: nodes, bundles: bundles)
            state.nextSequence += 1
            Self.append(.intent(planned.sequence, operation), to: state.log)
            return planned
        }
    }

    /// Applies an acknowledged write to the model, logs it, and releases what it reserved.
    private func acknowledge(_ planned: Planned, _ outcome: CrashOutcome) {
        let mismatch = state.withLockedValue { state -> CrashModel.Mismatch? in
            do throws(CrashModel.Mismatch) {
                try state.model.apply(planned.operation, outcome)
            } catch {
                return error
            }
            Self.append(.acknowledgement(planned.sequence, outcome), to: state.log)
            state.reservedNodes.subtract(planned.nodes)
            state.reservedBundles.subtract(planned.bundles)
            return nil
        }
        if let mismatch { fail(planned, mismatch) }
    }

    /// Logs a write that threw or returned what the model did not predict, and ends the process.
    private func fail(_ planned: Planned, _ error: any Error) -> Never {
        let message = "\(error)"
        state.withLockedValue { state in Self.append(.failure(planned.sequence, message), to: state.log) }
        FileHandle.standardError.write(Data("crash-writer: \(planned.operation.text) failed: \(message)\n".utf8))
        exit(1)
    }

    private static func append(_ entry: CrashLogEntry, to log: FileHandle) {
        log.write(Data(entry.line.utf8))
    }

    // MARK: Choosing writes

    /// A write on nodes and bundles no write in flight touches, with what it touches. Falls
    /// back to adding a node when the chosen kind has no candidate.
    private static func choose(_ state: inout State, using random: inout SplitMix64) -> (
        CrashOperation, [NodeID], [BundleID]
    ) {
        let model = state.model
        let reserved = state.reservedNodes
        func freeNodes(_ count: Int, excluding excluded: Set<NodeID> = []) -> [NodeID] {
            var chosen: [NodeID] = []
            for _ in 0..<(count * 4) where chosen.count < count {
                if let id = model.nodeIDs.randomElement(using: &random), !reserved.contains(id),
                    !excluded.contains(id), !chosen.contains(id)
                {
                    chosen.append(id)
                }
            }
            return chosen
        }
        func freeBundle() -> BundleID? {
            for _ in 0..<4 {
                if let id = model.bundleIDs.randomElement(using: &random), !state.reservedBundles.contains(id) {
                    return id
                }
            }
            return nil
        }
        func newSpec() -> CrashNodeSpec {
            defer { state.nextSerial += 1 }
            return CrashNodeSpec(
                serial: state.nextSerial, agent: Int.random(in: CrashContent.agents.indices, using: &random),
                context: Int.random(in: CrashContent.contexts.indices, using: &random))
        }
        func someIndexes(of count: Int) -> [Int] {
            Array((0..<count).shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random)))
        }

        // The mix, in percent: updates 8, single adds 18 (the fallback), batched adds 12, links 14,
        // unlinks 8, node removals 18, new bundles 8, additions to bundles 9, bundle removals 5.
        let dice = Int.random(in: 0..<100, using: &random)
        let prefersRemoval = model.nodes.count > Self.nodeCeiling && dice < 38 && Bool.random(using: &random)
        switch prefersRemoval ? 60 /* a node removal */ : dice {
        case 0..<8:
            if let id = freeNodes(1).first, let serial = model.nodes[id]?.serial {
                return (.updateNode(id, serial: serial, expectedVersion: model.version(of: id)), [id], [])
            }
        case 26..<38:
            var drafts: [CrashDraft] = []
            var targets: [NodeID] = []
            for _ in 0..<Int.random(in: 2...5, using: &random) {
                let external = freeNodes(Int.random(in: 0...1, using: &random), excluding: Set(targets))
                targets += external
                let earlier = drafts.compactMap(\.id).shuffled(using: &random).prefix(1)
                drafts.append(CrashDraft(id: NodeID(), spec: newSpec(), links: external + earlier))
            }
            return (.addNodes(drafts), targets, [])
        case 38..<52:
            let pair = freeNodes(2)
            if pair.count == 2 { return (.link(pair[0], pair[1]), pair, []) }
        case 52..<60:
            for _ in 0..<4 {
                if let link = model.links.randomElement(using: &random), !reserved.contains(link.source),
                    !reserved.contains(link.target)
                {
                    return (.unlink(link.source, link.target), [link.source, link.target], [])
                }
            }
        case 60..<78:
            if let id = freeNodes(1).first { return (.removeNode(id), [id], []) }
        case 78..<86:
            defer { state.nextSerial += 1 }
            let nodes = freeNodes(Int.random(in: 0...5, using: &random))
            let bundle = CrashBundleSpec(
                serial: state.nextSerial, agents: someIndexes(of: CrashContent.agents.count),
                contexts: someIndexes(of: CrashContent.contexts.count), nodes: nodes)
            return (.createBundle(bundle), nodes, [])
        case 86..<95:
            if let id = freeBundle(), let members = model.bundles[id]?.nodes, members.count < maximumBundleSize {
                let room = min(4, maximumBundleSize - members.count)
                let nodes = freeNodes(Int.random(in: 1...room, using: &random), excluding: Set(members))
                if !nodes.isEmpty { return (.addToBundle(id, nodes), nodes, [id]) }
            }
        case 95..<100:
            if let id = freeBundle() { return (.removeBundle(id), [], [id]) }
        default:
            break
        }
        let links = freeNodes(Int.random(in: 0...2, using: &random))
        return (.addNode(CrashDraft(id: nil, spec: newSpec(), links: links)), links, [])
    }

    // MARK: Performing writes

    private func perform(_ operation: CrashOperation) throws -> CrashOutcome {
        switch operation {
        case .addNode(let draft):
            let node = CrashContent.draft(draft.spec, id: nil, links: draft.links)
            return .node(
                try graph.addNode(
                    agentID: node.agentID, taskContext: node.taskContext, result: node.result,
                    metadata: node.metadata, links: node.links, timestamp: node.timestamp, expiresAt: node.expiresAt,
                    embedding: node.embedding))
        case .addNodes(let drafts):
            return .nodes(try graph.addNodes(drafts.map { CrashContent.draft($0.spec, id: $0.id, links: $0.links) }))
        case .removeNode(let id):
            return .flag(try graph.removeNode(id))
        case .updateNode(let id, let serial, let expected):
            return .version(
                try graph.updateNode(
                    id, result: CrashContent.result(serial, version: expected + 1), expectedVersion: expected))
        case .link(let source, let target):
            return .flag(try graph.link(from: source, to: target))
        case .unlink(let source, let target):
            return .flag(try graph.unlink(from: source, to: target))
        case .createBundle(let bundle):
            return .bundle(
                try graph.createBundle(
                    taskID: CrashContent.taskID(bundle.serial), agentIDs: bundle.agents.map { CrashContent.agents[$0] },
                    contexts: bundle.contexts.map { CrashContent.contexts[$0] }, nodeIDs: bundle.nodes,
                    metadata: CrashContent.metadata(bundle.serial)))
        case .addToBundle(let id, let nodes):
            try graph.addToBundle(id, nodeIDs: nodes)
            return .done
        case .removeBundle(let id):
            return .flag(try graph.removeBundle(id))
        }
    }

    private func performAsynchronously(_ operation: CrashOperation) async throws -> CrashOutcome {
        switch operation {
        case .addNode(let draft):
            let node = CrashContent.draft(draft.spec, id: nil, links: draft.links)
            return .node(
                try await graph.addNode(
                    agentID: node.agentID, taskContext: node.taskContext, result: node.result,
                    metadata: node.metadata, links: node.links, timestamp: node.timestamp, expiresAt: node.expiresAt,
                    embedding: node.embedding))
        case .addNodes(let drafts):
            return .nodes(
                try await graph.addNodes(drafts.map { CrashContent.draft($0.spec, id: $0.id, links: $0.links) }))
        case .removeNode(let id):
            return .flag(try await graph.removeNode(id))
        case .updateNode(let id, let serial, let expected):
            return .version(
                try await graph.updateNode(
                    id, result: CrashContent.result(serial, version: expected + 1), expectedVersion: expected))
        case .link(let source, let target):
            return .flag(try await graph.link(from: source, to: target))
        case .unlink(let source, let target):
            return .flag(try await graph.unlink(from: source, to: target))
        case .createBundle(let bundle):
            return .bundle(
                try await graph.createBundle(
                    taskID: CrashContent.taskID(bundle.serial), agentIDs: bundle.agents.map { CrashContent.agents[$0] },
                    contexts: bundle.contexts.map { CrashContent.contexts[$0] }, nodeIDs: bundle.nodes,
                    metadata: CrashContent.metadata(bundle.serial)))
        case .addToBundle(let id, let nodes):
            try await graph.addToBundle(id, nodeIDs: nodes)
            return .done
        case .removeBundle(let id):
            return .flag(try await graph.removeBundle(id))
        }
    }
}

/// The crash-test writer could not start.
struct CrashWriterFailure: Error, CustomStringConvertible {
    var description: String
}
