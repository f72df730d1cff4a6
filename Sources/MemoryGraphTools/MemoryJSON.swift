public import Foundation
public import MemoryGraphCore

/// The JSON shapes of nodes, bundles and changes, the same in the CLI, the MCP tools and the
/// REST service: snake_case keys, ISO 8601 times with fractional seconds, ids as strings.
public enum MemoryJSON {
    /// A node: `id`, `agent_id`, `task_context`, `timestamp`, `result`, `metadata`, `links`,
    /// `version`, `updated_at`, and when present `expires_at`, `type` and `confidence` (the
    /// result's `type` and `confidence_score`).
    public static func node(_ node: MemoryNode) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(node.id.description), "agent_id": .string(node.agentID),
            "task_context": .string(node.taskContext), "timestamp": .string(time(node.timestamp)),
            "version": .int(node.version), "updated_at": .string(time(node.updatedAt)),
            "result": node.result, "metadata": .object(node.metadata),
            "links": .array(node.links.map { .string($0.description) }),
        ]
        if let expiresAt = node.expiresAt { object["expires_at"] = .string(time(expiresAt)) }
        if let type = node.type { object["type"] = .string(type) }
        if let confidence = node.confidence { object["confidence"] = .double(confidence) }
        return .object(object)
    }

    /// A bundle: `id`, `task_id`, `agent_ids`, `contexts`, `node_ids`, `created_at`, `metadata`.
    public static func bundle(_ bundle: MemoryBundle) -> JSONValue {
        [
            "id": .string(bundle.id.description), "task_id": .string(bundle.taskID),
            "agent_ids": .array(bundle.agentIDs.map { .string($0) }),
            "contexts": .array(bundle.contexts.map { .string($0) }),
            "node_ids": .array(bundle.nodeIDs.map { .string($0.description) }),
            "created_at": .string(time(bundle.createdAt)), "metadata": .object(bundle.metadata),
        ]
    }

    /// A change log entry: `sequence`, `committed_at`, `kind`, and those of `node_id`,
    /// `target_id`, `bundle_id`, `agent_id`, `task_context`, `version` it has.
    public static func change(_ change: GraphChange) -> JSONValue {
        var object: [String: JSONValue] = [
            "sequence": .int(Int(clamping: change.sequence)), "committed_at": .string(time(change.committedAt)),
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

    /// An error: `{"error": {"code": …, "message": …}}`, plus `current_version` for a version
    /// conflict. The code is the library's (``MemoryGraphError/Code``), such as `versionConflict`.
    public static func error(code: String, message: String, currentVersion: Int? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let currentVersion { body["current_version"] = .int(currentVersion) }
        return ["error": .object(body)]
    }

    /// `date` as ISO 8601 with fractional seconds, in UTC.
    public static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An RFC 3339 time (JSON Schema's `date-time`: `2026-12-06T09:30:00Z`, with or without
    /// fractional seconds, `Z` or an offset such as `+02:00`), `nil` when `text` is not one.
    public static func date(_ text: String) -> Date? {
        let rfc3339 =
            /\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)/
        guard text.wholeMatch(of: rfc3339) != nil else { return nil }
        let normalized = text.uppercased()
        return (try? Date(normalized, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(normalized, strategy: Date.ISO8601FormatStyle()))
    }
}
