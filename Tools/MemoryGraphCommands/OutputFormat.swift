import Foundation
import MemoryGraph

/// How nodes are printed: one JSON object per line (JSON Lines), keys sorted.
enum OutputFormat {
    /// A node as a JSON object with an ISO 8601 timestamp.
    static func json(_ node: MemoryNode) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(node.id.description), "agent_id": .string(node.agentID),
            "task_context": .string(node.taskContext), "timestamp": .string(iso8601(node.timestamp)),
            "version": .int(node.version), "updated_at": .string(iso8601(node.updatedAt)),
            "result": node.result, "metadata": .object(node.metadata),
            "links": .array(node.links.map { .string($0.description) }),
        ]
        if let expiresAt = node.expiresAt { object["expires_at"] = .string(iso8601(expiresAt)) }
        if let type = node.type { object["type"] = .string(type) }
        if let confidence = node.confidence { object["confidence"] = .double(confidence) }
        return .object(object)
    }

    /// A change log entry as a JSON object; absent fields are left out.
    static func json(_ change: GraphChange) -> JSONValue {
        var object: [String: JSONValue] = [
            "sequence": .int(Int(clamping: change.sequence)), "committed_at": .string(iso8601(change.committedAt)),
            "kind": .string(change.kind.rawValue),
        ]
        if let id = change.nodeID { object["node_id"] = .string(id.description) }
        if let id = change.targetID { object["target_id"] = .string(id.description) }
        if let id = change.bundleID { object["bundle_id"] = .string(id.description) }
        if let agent = change.agentID { object["agent_id"] = .string(agent) }
        if let context = change.taskContext { object["task_context"] = .string(context) }
        if let version = change.version { object["version"] = .int(version) }
        return .object(object)
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses an ISO 8601 date with or without fractional seconds.
    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }

    /// Writes `text` and a newline to standard output.
    static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
