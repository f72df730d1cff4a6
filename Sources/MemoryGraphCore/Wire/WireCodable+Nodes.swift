import Foundation

extension MemoryNode: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "node",
            allowed: [
                "id", "agent_id", "task_context", "result", "metadata", "links", "timestamp_us", "version",
                "updated_at_us", "expires_at_us",
            ])
        self.init(
            id: try fields.id("id"), agentID: try fields.string("agent_id"),
            taskContext: try fields.string("task_context"), result: try fields.value("result"),
            timestamp: try fields.date("timestamp_us"), metadata: try fields.object("metadata"),
            links: try fields.ids("links"), version: try fields.int("version"),
            updatedAt: try fields.date("updated_at_us"), expiresAt: try fields.optionalDate("expires_at_us"))
    }

    package var wire: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id.description), "agent_id": .string(agentID), "task_context": .string(taskContext),
            "result": result, "metadata": .object(metadata), "links": WireFormat.ids(links),
            "timestamp_us": WireFormat.microseconds(timestamp), "version": .int(version),
            "updated_at_us": WireFormat.microseconds(updatedAt),
        ]
        members["expires_at_us"] = expiresAt.map(WireFormat.microseconds)
        return .object(members)
    }
}

extension NodeDraft: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "draft",
            allowed: [
                "id", "agent_id", "task_context", "result", "metadata", "links", "timestamp_us", "revision",
                "expires_at_us", "embedding",
            ])
        self.init(
            id: try fields.optionalID("id"), agentID: try fields.string("agent_id"),
            taskContext: try fields.string("task_context"), result: try fields.value("result"),
            metadata: try fields.object("metadata"), links: try fields.ids("links"),
            timestamp: try fields.optionalDate("timestamp_us"), revision: try fields.optionalDecode("revision"),
            expiresAt: try fields.optionalDate("expires_at_us"), embedding: try fields.optionalVector("embedding"))
    }

    package var wire: JSONValue {
        var members: [String: JSONValue] = [
            "agent_id": .string(agentID), "task_context": .string(taskContext), "result": result,
            "metadata": .object(metadata), "links": WireFormat.ids(links),
        ]
        members["id"] = id.map { .string($0.description) }
        members["timestamp_us"] = timestamp.map(WireFormat.microseconds)
        members["revision"] = revision?.wire
        members["expires_at_us"] = expiresAt.map(WireFormat.microseconds)
        members["embedding"] = embedding.map(WireFormat.vector)
        return .object(members)
    }
}

extension NodeRevision: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "revision", allowed: ["version", "updated_at_us"])
        self.init(version: try fields.int("version"), updatedAt: try fields.date("updated_at_us"))
    }

    package var wire: JSONValue {
        ["version": .int(version), "updated_at_us": WireFormat.microseconds(updatedAt)]
    }
}

/// An update's fields are present only when they change something: `result` (any JSON value,
/// `null` included), `metadata`, `expires_at_us` (`null`: never) and `embedding` (`null`: remove).
extension NodeUpdate: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "update", allowed: ["result", "metadata", "expires_at_us", "embedding"])
        // Absent and null are not the same: `null` is a result of its own.
        let result: JSONValue? = fields.has("result") ? .some(try fields.value("result")) : .none
        self.init(
            result: result,
            metadata: fields.has("metadata") ? try fields.object("metadata") : nil,
            expiry: fields.has("expires_at_us")
                ? (try fields.optionalDate("expires_at_us")).map { .at($0) } ?? .never : nil,
            embedding: fields.has("embedding")
                ? (try fields.optionalVector("embedding")).map { .set($0) } ?? .remove : nil)
    }

    package var wire: JSONValue {
        var members: [String: JSONValue] = [:]
        if let result { members["result"] = result }
        if let metadata { members["metadata"] = .object(metadata) }
        switch expiry {
        case .at(let date): members["expires_at_us"] = WireFormat.microseconds(date)
        case .never: members["expires_at_us"] = .null
        case nil: break
        }
        switch embedding {
        case .set(let vector): members["embedding"] = WireFormat.vector(vector)
        case .remove: members["embedding"] = .null
        case nil: break
        }
        return .object(members)
    }
}

extension MemoryBundle: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "bundle",
            allowed: ["id", "task_id", "agent_ids", "contexts", "node_ids", "created_at_us", "metadata"])
        self.init(
            id: try fields.id("id"), taskID: try fields.string("task_id"), agentIDs: try fields.strings("agent_ids"),
            contexts: try fields.strings("contexts"), nodeIDs: try fields.ids("node_ids"),
            createdAt: try fields.date("created_at_us"), metadata: try fields.object("metadata"))
    }

    package var wire: JSONValue {
        [
            "id": .string(id.description), "task_id": .string(taskID),
            "agent_ids": .array(agentIDs.map(JSONValue.string)),
            "contexts": .array(contexts.map(JSONValue.string)), "node_ids": WireFormat.ids(nodeIDs),
            "created_at_us": WireFormat.microseconds(createdAt), "metadata": .object(metadata),
        ]
    }
}
