import Foundation
import MemoryGraph

/// What the crash test writes, derived from a serial number so that the side log names a node or
/// bundle by a few integers and the checker can rebuild its exact content.
enum CrashContent {
    static let agents = ["planner", "critic", "scout", "agent-ü"]
    static let contexts = ["trip-42", "trip-43", "refactor-7", "research", "ops-β"]
    static let types = ["plan", "observation", "critique"]

    /// The node `spec` describes at `version`, under `id`, with out-links `links` (in id order),
    /// updated at `updatedAt` (the timestamp at version 1).
    static func node(_ id: NodeID, _ spec: CrashNodeSpec, links: [NodeID], version: Int = 1, updatedAt: Date? = nil)
        -> MemoryNode
    {
        MemoryNode(
            id: id, agentID: agents[spec.agent], taskContext: contexts[spec.context],
            result: result(spec.serial, version: version), timestamp: timestamp(spec.serial),
            metadata: metadata(spec.serial), links: links, version: version, updatedAt: updatedAt,
            expiresAt: expiresAt(spec.serial))
    }

    /// The result of the node of `serial` at `version`: from version 2 on, with the version in
    /// it and another confidence (the type stays, so the type count does not move).
    static func result(_ serial: Int, version: Int) -> JSONValue {
        guard version > 1, case .object(var members) = result(serial) else { return result(serial) }
        members["revision"] = .int(version)
        if members["confidence_score"] != nil {
            members["confidence_score"] = .double(Double((serial + 37 * version) % 1001) / 1000)
        }
        return .object(members)
    }

    /// The draft that adds the node `spec` describes.
    static func draft(_ spec: CrashNodeSpec, id: NodeID?, links: [NodeID]) -> NodeDraft {
        NodeDraft(
            id: id, agentID: agents[spec.agent], taskContext: contexts[spec.context], result: result(spec.serial),
            metadata: metadata(spec.serial), links: links, timestamp: timestamp(spec.serial),
            expiresAt: expiresAt(spec.serial), embedding: embedding(spec.serial))
    }

    /// The embedding of the node of `serial`: every third one has one, of dimension 4 (so the
    /// `vectors` database is written and checked under the kills).
    static func embedding(_ serial: Int) -> [Float]? {
        guard serial % 3 == 1 else { return nil }
        return [Float(serial % 101), -1, Float(serial % 7) / 8, 0.25]
    }

    /// When the node of `serial` expires: every sixth one, decades ahead (so none does during a
    /// test, and the expiry index is written and checked under the kills), a whole number of
    /// microseconds.
    static func expiresAt(_ serial: Int) -> Date? {
        guard serial % 6 == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(3_800_000_000_000_000 + serial * 1_000) / 1_000_000)
    }

    /// A result object of varying shape and size: some nodes lack a type or a confidence, every
    /// tenth is large enough to need LMDB overflow pages.
    static func result(_ serial: Int) -> JSONValue {
        var members: [String: JSONValue] = ["serial": .int(serial), "text": .string(text(serial))]
        if let type = type(serial) { members["type"] = .string(type) }
        if serial % 4 != 0 { members["confidence_score"] = .double(Double(serial % 1001) / 1000) }
        if serial % 3 == 0 { members["steps"] = [.int(serial % 7), .bool(serial % 2 == 0), .null, -0.5] }
        return .object(members)
    }

    /// The `type` of the result, absent for every fifth serial.
    static func type(_ serial: Int) -> String? {
        serial % 5 == 0 ? nil : types[serial % types.count]
    }

    static func metadata(_ serial: Int) -> [String: JSONValue] {
        ["writer": "crash-test", "serial": .int(serial)]
    }

    /// A timestamp no other serial has, a whole number of microseconds (the store's precision).
    static func timestamp(_ serial: Int) -> Date {
        Date(timeIntervalSince1970: Double(1_700_000_000_000_000 + serial * 1_000 + serial % 997) / 1_000_000)
    }

    static func taskID(_ serial: Int) -> String { "task-\(serial)" }

    private static func text(_ serial: Int) -> String {
        let length = serial % 10 == 0 ? 6_000 + serial % 500 : serial * 37 % 300
        return String(repeating: "crash-safe ✓ ", count: length / 14 + 1)
    }
}
