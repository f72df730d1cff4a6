import Foundation

/// A mutation is an object whose `kind` is its ``GraphMutation/name``, with its arguments beside.
extension GraphMutation: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        guard let kind = wire["kind"]?.stringValue, let allowed = Self.fieldsByKind[kind] else {
            throw MemoryGraphError(
                .invalidArgument, "a mutation is a JSON object whose kind names a mutation, such as addNodes")
        }
        let fields = try WireFields(wire, "mutation \(kind)", allowed: allowed.union(["kind"]))
        switch kind {
        case "addNodes": self = .addNodes(try fields.list("nodes"))
        case "updateNode":
            self = .updateNode(
                try fields.id("id"), try fields.decode("update"),
                expectedVersion: try fields.optionalInt("expected_version"),
                updatedAt: try fields.date("updated_at_us"))
        case "removeNode": self = .removeNode(try fields.id("id"))
        case "forgetNodes": self = .forgetNodes(try fields.decode("query"), limit: try fields.int("limit"))
        case "sweepExpired": self = .sweepExpired(limit: try fields.int("limit"))
        case "link": self = .link(from: try fields.id("from"), to: try fields.id("to"))
        case "unlink": self = .unlink(from: try fields.id("from"), to: try fields.id("to"))
        case "createBundle": self = .createBundle(try fields.decode("bundle"))
        case "addToBundle": self = .addToBundle(try fields.id("bundle_id"), nodeIDs: try fields.ids("node_ids"))
        case "removeBundle": self = .removeBundle(try fields.id("bundle_id"))
        default: self = .setCreationTime(try fields.date("created_at_us"))
        }
    }

    /// The fields of each kind besides `kind`.
    private static let fieldsByKind: [String: Set<String>] = [
        "addNodes": ["nodes"], "updateNode": ["id", "update", "expected_version", "updated_at_us"],
        "removeNode": ["id"], "forgetNodes": ["query", "limit"], "sweepExpired": ["limit"], "link": ["from", "to"],
        "unlink": ["from", "to"], "createBundle": ["bundle"], "addToBundle": ["bundle_id", "node_ids"],
        "removeBundle": ["bundle_id"], "setCreationTime": ["created_at_us"],
    ]

    package var wire: JSONValue {
        var members: [String: JSONValue] = ["kind": .string(name)]
        switch self {
        case .addNodes(let drafts): members["nodes"] = WireFormat.array(drafts)
        case .updateNode(let id, let update, let expectedVersion, let updatedAt):
            members["id"] = .string(id.description)
            members["update"] = update.wire
            members["expected_version"] = expectedVersion.map(JSONValue.int)
            members["updated_at_us"] = WireFormat.microseconds(updatedAt)
        case .removeNode(let id): members["id"] = .string(id.description)
        case .forgetNodes(let query, let limit):
            members["query"] = query.wire
            members["limit"] = .int(limit)
        case .sweepExpired(let limit): members["limit"] = .int(limit)
        case .link(let from, let to), .unlink(let from, let to):
            members["from"] = .string(from.description)
            members["to"] = .string(to.description)
        case .createBundle(let bundle): members["bundle"] = bundle.wire
        case .addToBundle(let id, let nodeIDs):
            members["bundle_id"] = .string(id.description)
            members["node_ids"] = WireFormat.ids(nodeIDs)
        case .removeBundle(let id): members["bundle_id"] = .string(id.description)
        case .setCreationTime(let date): members["created_at_us"] = WireFormat.microseconds(date)
        }
        return .object(members)
    }
}

/// An outcome is an object whose `kind` names the case, with its value beside.
extension MutationOutcome: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "outcome", allowed: ["kind", "ids", "version", "updated_at_us", "changed", "count", "bundle_id"])
        switch try fields.string("kind") {
        case "added": self = .added(try fields.ids("ids"))
        case "updated":
            self = .updated(
                NodeRevision(version: try fields.int("version"), updatedAt: try fields.date("updated_at_us")))
        case "changed": self = .changed(try fields.bool("changed"))
        case "removed": self = .removed(try fields.int("count"))
        case "bundleCreated": self = .bundleCreated(try fields.id("bundle_id"))
        case "done": self = .done
        case let other: throw MemoryGraphError(.invalidArgument, "outcome.kind \(other) is not a kind of outcome")
        }
    }

    package var wire: JSONValue {
        switch self {
        case .added(let ids): ["kind": "added", "ids": WireFormat.ids(ids)]
        case .updated(let revision):
            [
                "kind": "updated", "version": .int(revision.version),
                "updated_at_us": WireFormat.microseconds(revision.updatedAt),
            ]
        case .changed(let changed): ["kind": "changed", "changed": .bool(changed)]
        case .removed(let count): ["kind": "removed", "count": .int(count)]
        case .bundleCreated(let id): ["kind": "bundleCreated", "bundle_id": .string(id.description)]
        case .done: ["kind": "done"]
        }
    }
}

/// A mutation's result: `{"outcome": …}` or `{"error": …}`.
extension Result: WireCodable where Success == MutationOutcome, Failure == MemoryGraphError {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "result", allowed: ["outcome", "error"])
        if fields.has("error") {
            self = .failure(try fields.decode("error"))
        } else {
            self = .success(try fields.decode("outcome"))
        }
    }

    package var wire: JSONValue {
        switch self {
        case .success(let outcome): ["outcome": outcome.wire]
        case .failure(let error): ["error": error.wire]
        }
    }
}
