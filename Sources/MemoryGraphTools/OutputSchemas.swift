public import MemoryGraphCore

/// The JSON Schemas of what the tools return, built from the shapes of ``MemoryJSON``.
public enum OutputSchemas {
    static let id: JSONValue = ["type": "string", "format": "uuid"]
    static let time: JSONValue = ["type": "string", "format": "date-time"]
    static let name: JSONValue = ["type": "string"]

    /// A node, as ``MemoryJSON/node(_:)`` writes it.
    public static let node: JSONValue = [
        "type": "object",
        "properties": [
            "id": id, "agent_id": name, "task_context": name, "timestamp": time, "result": [:],
            "metadata": ["type": "object"], "links": ["type": "array", "items": id],
            "version": ["type": "integer", "minimum": 1], "updated_at": time, "expires_at": time,
            "type": name, "confidence": ["type": "number"],
        ],
        "required": [
            "id", "agent_id", "task_context", "timestamp", "result", "metadata", "links", "version", "updated_at",
        ],
        "additionalProperties": false,
    ]

    /// A bundle, as ``MemoryJSON/bundle(_:)`` writes it.
    public static let bundle: JSONValue = [
        "type": "object",
        "properties": [
            "id": id, "task_id": name, "agent_ids": ["type": "array", "items": name],
            "contexts": ["type": "array", "items": name], "node_ids": ["type": "array", "items": id],
            "created_at": time, "metadata": ["type": "object"],
        ],
        "required": ["id", "task_id", "agent_ids", "contexts", "node_ids", "created_at", "metadata"],
        "additionalProperties": false,
    ]

    /// A change, as ``MemoryJSON/change(_:)`` writes it.
    public static let change: JSONValue = [
        "type": "object",
        "properties": [
            "sequence": ["type": "integer", "minimum": 1], "committed_at": time,
            "kind": ["type": "string", "enum": .array(GraphChange.Kind.allCases.map { .string($0.rawValue) })],
            "node_id": id, "target_id": id, "bundle_id": id, "agent_id": name, "task_context": name,
            "version": ["type": "integer"],
        ],
        "required": ["sequence", "committed_at", "kind"],
        "additionalProperties": false,
    ]

    /// An object with exactly these properties, all required.
    static func object(_ properties: [String: JSONValue]) -> JSONValue {
        [
            "type": "object", "properties": .object(properties),
            "required": .array(properties.keys.sorted().map { .string($0) }), "additionalProperties": false,
        ]
    }

    /// `{nodes: [node]}`.
    static let nodes = object(["nodes": ["type": "array", "items": node]])
    /// `{id, version}`.
    static let written = object(["id": id, "version": ["type": "integer", "minimum": 1]])
}
