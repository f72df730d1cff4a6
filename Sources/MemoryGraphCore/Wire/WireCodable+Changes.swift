import Foundation

extension GraphChange: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "change",
            allowed: [
                "sequence", "committed_at_us", "kind", "node_id", "target_id", "bundle_id", "agent_id", "task_context",
                "version",
            ])
        let name = try fields.string("kind")
        guard let kind = Kind(rawValue: name) else {
            throw MemoryGraphError(.invalidArgument, "change.kind \(name) is not a kind of change")
        }
        self.init(
            sequence: try fields.sequence("sequence"), committedAt: try fields.date("committed_at_us"), kind: kind,
            nodeID: try fields.optionalID("node_id"), targetID: try fields.optionalID("target_id"),
            bundleID: try fields.optionalID("bundle_id"), agentID: try fields.optionalString("agent_id"),
            taskContext: try fields.optionalString("task_context"), version: try fields.optionalInt("version"))
    }

    package var wire: JSONValue {
        WireFormat.object([
            "sequence": WireFormat.sequence(sequence), "committed_at_us": WireFormat.microseconds(committedAt),
            "kind": .string(kind.rawValue), "node_id": nodeID.map { .string($0.description) } ?? .null,
            "target_id": targetID.map { .string($0.description) } ?? .null,
            "bundle_id": bundleID.map { .string($0.description) } ?? .null,
            "agent_id": agentID.map(JSONValue.string) ?? .null,
            "task_context": taskContext.map(JSONValue.string) ?? .null, "version": version.map(JSONValue.int) ?? .null,
        ])
    }
}

extension ChangeFilter: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "filter", allowed: ["agent_ids", "contexts", "kinds"])
        var kinds: Set<GraphChange.Kind>?
        if let names = try fields.names("kinds") {
            var parsed = Set<GraphChange.Kind>()
            for name in names {
                guard let kind = GraphChange.Kind(rawValue: name) else {
                    throw MemoryGraphError(.invalidArgument, "filter.kinds: \(name) is not a kind of change")
                }
                parsed.insert(kind)
            }
            kinds = parsed
        }
        self.init(agentIDs: try fields.names("agent_ids"), contexts: try fields.names("contexts"), kinds: kinds)
    }

    package var wire: JSONValue {
        WireFormat.object([
            "agent_ids": WireFormat.names(agentIDs), "contexts": WireFormat.names(taskContexts),
            "kinds": WireFormat.names(kinds.map { Set($0.map(\.rawValue)) }),
        ])
    }
}

extension ChangePage: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "page", allowed: ["changes", "scanned_through"])
        self.init(changes: try fields.list("changes"), scannedThrough: try fields.sequence("scanned_through"))
    }

    package var wire: JSONValue {
        ["changes": WireFormat.array(changes), "scanned_through": WireFormat.sequence(scannedThrough)]
    }
}
