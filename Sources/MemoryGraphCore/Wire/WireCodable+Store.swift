import Foundation

extension GraphStatistics: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "statistics", allowed: ["nodes", "agents", "contexts", "types", "links", "bundles"])
        self.init(
            nodes: try fields.int("nodes"), agents: try fields.int("agents"), contexts: try fields.int("contexts"),
            types: try fields.int("types"), links: try fields.int("links"), bundles: try fields.int("bundles"))
    }

    package var wire: JSONValue {
        [
            "nodes": .int(nodes), "agents": .int(agents), "contexts": .int(contexts), "types": .int(types),
            "links": .int(links), "bundles": .int(bundles),
        ]
    }
}

extension StoreSummary: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "summary", allowed: ["created_at_us", "nodes", "bundles", "links"])
        self.init(
            createdAt: try fields.date("created_at_us"), nodes: try fields.int("nodes"),
            bundles: try fields.int("bundles"), links: try fields.int("links"))
    }

    package var wire: JSONValue {
        [
            "created_at_us": WireFormat.microseconds(createdAt), "nodes": .int(nodes), "bundles": .int(bundles),
            "links": .int(links),
        ]
    }
}

extension StoreUsage: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "usage", allowed: ["writes", "commits", "storage_bytes"])
        self.init(
            writes: try fields.int("writes"), commits: try fields.int("commits"),
            storageBytes: try fields.int("storage_bytes"))
    }

    package var wire: JSONValue {
        ["writes": .int(writes), "commits": .int(commits), "storage_bytes": .int(storageBytes)]
    }
}

/// One line of an export: `{"summary": …}`, `{"node": …}` (with `"embedding": […]` when the
/// node has one) or `{"bundle": …}`.
extension ExportedRecord: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "record", allowed: ["summary", "node", "embedding", "bundle"])
        if fields.has("summary") {
            self = .summary(try fields.decode("summary"))
        } else if fields.has("node") {
            self = .node(try fields.decode("node"), embedding: try fields.optionalVector("embedding"))
        } else {
            self = .bundle(try fields.decode("bundle"))
        }
    }

    package var wire: JSONValue {
        switch self {
        case .summary(let summary): ["summary": summary.wire]
        case .node(let node, let embedding):
            WireFormat.object(["node": node.wire, "embedding": embedding.map(WireFormat.vector) ?? .null])
        case .bundle(let bundle): ["bundle": bundle.wire]
        }
    }
}

/// An error: its code's name and message, with `current_version` for a version conflict and
/// `oldest_available_sequence` for truncated changes. A code this library does not know reads
/// as ``MemoryGraphError/Code/storage``, its name kept in the message.
extension MemoryGraphError: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "error", allowed: ["code", "message", "current_version", "oldest_available_sequence"])
        let name = try fields.string("code")
        let message = try fields.string("message")
        if let code = Code(name: name) {
            self.init(code, message)
        } else {
            self.init(.storage, "\(name): \(message)")
        }
        currentVersion = try fields.optionalInt("current_version")
        if fields.optional("oldest_available_sequence") != nil {
            oldestAvailableSequence = try fields.sequence("oldest_available_sequence")
        }
    }

    package var wire: JSONValue {
        WireFormat.object([
            "code": .string(code.description), "message": .string(message),
            "current_version": currentVersion.map(JSONValue.int) ?? .null,
            "oldest_available_sequence": oldestAvailableSequence.map(WireFormat.sequence) ?? .null,
        ])
    }
}
