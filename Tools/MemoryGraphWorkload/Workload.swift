public import Foundation
public import MemoryGraph
import SeededRandom

/// The reference data set W(N, seed) (see docs/BENCHMARKS.md), generated
/// deterministically: the same `count` and `seed` give the same nodes, links and bundles on every
/// machine, so the benchmark and the load test run on data anyone can regenerate.
///
/// Nodes spread over 64 agents and 2 000 task contexts (drawn Zipf-like: a few contexts hold
/// most nodes) and the 90 days before ``end``; each links to up to four earlier nodes. There is
/// one task bundle for every 50 nodes, each of up to 50 nodes of one context.
///
/// ```swift
/// let workload = Workload(count: 10_000, seed: 42)
/// try graph.addNodes(workload.nodes.map(\.draft))
/// ```
public struct Workload: Sendable {
    /// One node of the data set, with the fields the engines store.
    public struct Node: Sendable {
        /// The node's identifier, a UUIDv7 of its timestamp.
        public var id: NodeID
        /// The agent that wrote it, one of ``Workload/agents``.
        public var agent: String
        /// Its task context, one of ``Workload/contexts``.
        public var context: String
        /// The `type` field of its result, one of ``Workload/types``.
        public var type: String
        /// The `confidence_score` field of its result, in [0, 1).
        public var confidence: Double
        /// When it was written, in milliseconds since 1970.
        public var timestampMilliseconds: Int64
        /// About 200 characters of words, the `summary` field of its result.
        public var summary: String
        /// The `tokens` field of its result.
        public var tokens: Int
        /// The `model` field of its metadata, one of ``Workload/models``.
        public var model: String
        /// The `run` field of its metadata.
        public var run: Int
        /// Earlier nodes it links to, sorted, without repeats.
        public var links: [NodeID]

        /// ``timestampMilliseconds`` as a date.
        public var timestamp: Date { Date(timeIntervalSince1970: Double(timestampMilliseconds) / 1000) }

        /// The node's result: type, confidence score, summary and tokens.
        public var result: JSONValue {
            [
                "type": .string(type), "confidence_score": .double(confidence), "summary": .string(summary),
                "tokens": .int(tokens),
            ]
        }

        /// The node's metadata: model and run.
        public var metadata: [String: JSONValue] { ["model": .string(model), "run": .int(run)] }

        /// The node as a draft for `MemoryGraph.addNodes(_:)`, its id and timestamp kept.
        public var draft: NodeDraft {
            NodeDraft(
                id: id, agentID: agent, taskContext: context, result: result, metadata: metadata, links: links,
                timestamp: timestamp)
        }
    }

    /// A task bundle of the data set: nodes of one context gathered under a task.
    public struct Bundle: Sendable {
        /// The bundle's task identifier.
        public var taskID: String
        /// The context its nodes share.
        public var context: String
        /// Its nodes, at most 50.
        public var nodes: [NodeID]
    }

    /// The 64 agents: `agent-00` to `agent-63`.
    public static let agents = (0..<64).map { String(format: "agent-%02d", $0) }
    /// The 2 000 task contexts: `ctx-0000` to `ctx-1999`, in the order of ``contextSampler``'s ranks.
    public static let contexts = (0..<2_000).map { String(format: "ctx-%04d", $0) }
    /// The values of a node's `type` field.
    public static let types = [
        "plan", "observation", "critique", "tool_call", "answer", "question", "summary", "decision", "error",
        "reflection", "fact", "hypothesis",
    ]
    /// The values of a node's `model` metadata.
    public static let models = ["model-a", "model-b", "model-c", "model-d"]
    /// The newest timestamp: 2026-01-01T00:00:00Z in milliseconds.
    public static let end: Int64 = 1_767_225_600_000
    /// The milliseconds before ``end`` that timestamps spread over: 90 days.
    public static let span: Int64 = 90 * 86_400_000
    /// The words summaries are made of.
    public static let words = [
        "agent", "memory", "context", "plan", "result", "tool", "answer", "graph", "index", "query", "cache",
        "review", "travel", "booking", "budget", "schedule", "risk", "option", "source", "evidence",
    ]

    /// The nodes, in the order they are loaded (a node links only to nodes before it).
    public let nodes: [Node]
    /// The task bundles.
    public let bundles: [Bundle]
    /// Draws indexes into ``contexts`` as the data set does, for writes that look like its own.
    public let contextSampler = ZipfSampler(count: contexts.count, exponent: 1.0)

    /// Generates W(`count`, `seed`).
    ///
    /// - Parameters:
    ///   - count: The number of nodes.
    ///   - seed: The seed of every random choice.
    public init(count: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        let sampler = ZipfSampler(count: Self.contexts.count, exponent: 1.0)
        for _ in 0..<count {
            let milliseconds = Self.end - Int64.random(in: 1...Self.span, using: &random)
            var summary = ""
            while summary.count < 200 {
                summary += (summary.isEmpty ? "" : " ") + (Self.words.randomElement(using: &random) ?? "")
            }
            var links: [NodeID] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) where !nodes.isEmpty {
                links.append(nodes[Int.random(in: 0..<nodes.count, using: &random)].id)
            }
            nodes.append(
                Node(
                    id: Self.nodeID(milliseconds: milliseconds, using: &random),
                    agent: Self.agents[Int.random(in: 0..<Self.agents.count, using: &random)],
                    context: Self.contexts[sampler.next(using: &random)],
                    type: Self.types[Int.random(in: 0..<Self.types.count, using: &random)],
                    confidence: Double(Int.random(in: 0..<1_000, using: &random)) / 1_000,
                    timestampMilliseconds: milliseconds, summary: summary,
                    tokens: Int.random(in: 10...4_000, using: &random),
                    model: Self.models[Int.random(in: 0..<Self.models.count, using: &random)],
                    run: Int.random(in: 0..<1_000, using: &random), links: Array(Set(links)).sorted()))
        }
        var byContext: [String: [NodeID]] = [:]
        for node in nodes { byContext[node.context, default: []].append(node.id) }
        var bundles: [Bundle] = []
        for index in 0..<(count / 50) {
            let context = Self.contexts[sampler.next(using: &random)]
            bundles.append(
                Bundle(
                    taskID: "task-\(index)-\(Int.random(in: 0..<1_000_000, using: &random))", context: context,
                    nodes: Array((byContext[context] ?? []).prefix(50))))
        }
        self.nodes = nodes
        self.bundles = bundles
    }

    /// A UUIDv7 for a node of that time, its random bits from the generator.
    private static func nodeID(milliseconds: Int64, using random: inout SplitMix64) -> NodeID {
        var bytes: [UInt8] = []
        let high = UInt64(milliseconds) << 16 | 0x7000 | (random.next() & 0xFFF)
        let low = 0x8000_0000_0000_0000 | (random.next() & 0x3FFF_FFFF_FFFF_FFFF)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift)))
        }
        return NodeID(bytes: bytes) ?? NodeID()
    }
}
