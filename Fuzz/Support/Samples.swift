import Foundation

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Realistic nodes, bundles and JSON documents; every fuzz target's seeds are encoded from them
/// with the library's own encoders, so the corpus starts from what a store really holds.
enum Samples {
    /// A node id with a fixed value (ids of generated seeds must not change between runs).
    static func nodeID(_ number: UInt64) -> NodeID {
        NodeID(high: 0x0190_0000_0000_7000 | number << 16, low: 0x8000_0000_0000_0000 | number)
    }

    /// A bundle id with a fixed value.
    static func bundleID(_ number: UInt64) -> BundleID {
        BundleID(high: 0x0191_0000_0000_7000 | number << 16, low: 0x8000_0000_0000_0000 | number)
    }

    /// JSON documents covering every kind of value and the edges of each.
    static let values: [JSONValue] = [
        .null, true, false, 0, -1, 1, .int(Int.min), .int(Int.max), 0.5, -0.0, 1e300, .double(.leastNonzeroMagnitude),
        "", "plan",
        "quote \" backslash \\ newline \n tab \t nul \u{0} é 日本 🚀", [], [1, "two", 3.0, nil, [true]],
        [:],
        [
            "type": "plan", "confidence_score": 0.9, "steps": ["search", "book", "confirm"],
            "cost": ["amount": 1249.5, "currency": "EUR"],
        ],
        nested(depth: 12), nested(depth: BinaryJSON.maximumDepth),
    ]

    /// `depth` arrays and objects inside each other.
    static func nested(depth: Int) -> JSONValue {
        (0..<depth).reduce(JSONValue.int(7)) { inner, level in level % 2 == 0 ? .array([inner]) : ["k": inner] }
    }

    static let drafts: [NodeDraft] = [
        NodeDraft(
            id: nodeID(1), agentID: "a", taskContext: "c", result: .null,
            timestamp: Date(timeIntervalSince1970: 0)),
        NodeDraft(
            id: nodeID(2), agentID: "planner", taskContext: "trip-42",
            result: ["type": "plan", "confidence_score": 0.9, "steps": ["search", "book"]],
            metadata: ["source": "unit", "tokens": 812], links: [nodeID(1)],
            timestamp: Date(timeIntervalSince1970: 1_700_000_000.123456)),
        NodeDraft(
            id: nodeID(3), agentID: "critic ✓", taskContext: "trip-42",
            result: ["type": "critique", "confidence_score": 0, "text": "too \"expensive\"\n"],
            metadata: ["scores": [0.25, -3, 1e-7]], links: [nodeID(1), nodeID(2)],
            timestamp: Date(timeIntervalSince1970: -86_400.5)),
        NodeDraft(
            id: nodeID(4), agentID: String(repeating: "x", count: Limits.maximumNameLength), taskContext: "deep",
            result: nested(depth: 20), metadata: ["empty": [:], "list": []],
            timestamp: Date(timeIntervalSince1970: 2_000_000_000)),
    ]

    static let bundles: [MemoryBundle] = [
        MemoryBundle(
            id: bundleID(1), taskID: "t", agentIDs: [], contexts: [], nodeIDs: [],
            createdAt: Date(timeIntervalSince1970: 0)),
        MemoryBundle(
            id: bundleID(2), taskID: "trip-42", agentIDs: ["planner", "critic ✓"], contexts: ["trip-42"],
            nodeIDs: [nodeID(1), nodeID(2), nodeID(3)], createdAt: Date(timeIntervalSince1970: 1_700_000_100.5),
            metadata: ["status": "done", "attempts": 2, "notes": ["ok", nil]]),
    ]
}
