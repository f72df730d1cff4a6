import Foundation
import MemoryGraph

/// A small, fast, seedable random number generator (SplitMix64): the workload replays exactly.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Draws ranks 0..<count with probability proportional to 1 / (rank + 1)^s.
struct ZipfSampler {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var total = 0.0
        cumulative = (0..<count).map { rank in
            total += 1 / pow(Double(rank + 1), exponent)
            return total
        }
    }

    func next(using random: inout SeededRandom) -> Int {
        let target = Double.random(in: 0..<(cumulative.last ?? 1), using: &random)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The reference data set W(N, seed) (see the README's Performance section), generated deterministically.
struct Workload {
    struct Node {
        var id: NodeID
        var agent: String
        var context: String
        var type: String
        var confidence: Double
        var timestampMilliseconds: Int64
        var summary: String
        var tokens: Int
        var model: String
        var run: Int
        var links: [NodeID]

        var timestamp: Date { Date(timeIntervalSince1970: Double(timestampMilliseconds) / 1000) }

        var result: JSONValue {
            [
                "type": .string(type), "confidence_score": .double(confidence), "summary": .string(summary),
                "tokens": .int(tokens),
            ]
        }

        var metadata: [String: JSONValue] { ["model": .string(model), "run": .int(run)] }

        var draft: NodeDraft {
            NodeDraft(
                id: id, agentID: agent, taskContext: context, result: result, metadata: metadata, links: links,
                timestamp: timestamp)
        }
    }

    struct Bundle {
        var taskID: String
        var context: String
        var nodes: [NodeID]
    }

    static let agents = (0..<64).map { String(format: "agent-%02d", $0) }
    static let contexts = (0..<2_000).map { String(format: "ctx-%04d", $0) }
    static let types = [
        "plan", "observation", "critique", "tool_call", "answer", "question", "summary", "decision", "error",
        "reflection", "fact", "hypothesis",
    ]
    static let models = ["model-a", "model-b", "model-c", "model-d"]
    /// 2026-01-01T00:00:00Z in milliseconds.
    static let end: Int64 = 1_767_225_600_000
    static let span: Int64 = 90 * 86_400_000
    static let words = [
        "agent", "memory", "context", "plan", "result", "tool", "answer", "graph", "index", "query", "cache",
        "review", "travel", "booking", "budget", "schedule", "risk", "option", "source", "evidence",
    ]

    let nodes: [Node]
    let bundles: [Bundle]
    let contextSampler = ZipfSampler(count: contexts.count, exponent: 1.0)

    /// Generates W(`count`, `seed`).
    init(count: Int, seed: UInt64) {
        var random = SeededRandom(seed: seed)
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
    private static func nodeID(milliseconds: Int64, using random: inout SeededRandom) -> NodeID {
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
