import Foundation

/// One parsed line of a dump.
package enum DumpRecord {
    case header(createdAt: Microseconds, nodes: Int, bundles: Int)
    case node(NodeDraft)
    case bundle(MemoryBundle)
    case trailer(nodes: Int, bundles: Int, checksum: String)

    /// Parses line `number` of a dump; every failure names the line and what is wrong.
    package init(_ bytes: ArraySlice<UInt8>, line number: Int) throws {
        func invalid(_ message: String) -> MemoryGraphError {
            MemoryGraphError(.invalidDump, "line \(number): \(message)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(bytes))
        } catch {
            throw invalid("not valid JSON (\(error.message))")
        }
        guard case .object(let fields) = value else { throw invalid("expected a JSON object") }
        func field(_ name: String) throws -> JSONValue {
            guard let found = fields[name] else { throw invalid("the field \"\(name)\" is missing") }
            return found
        }
        func string(_ name: String) throws -> String {
            guard let text = try field(name).stringValue else { throw invalid("\"\(name)\" must be a string") }
            return text
        }
        func integer(_ name: String) throws -> Int {
            guard let number = try field(name).intValue else { throw invalid("\"\(name)\" must be an integer") }
            return number
        }
        func strings(_ name: String) throws -> [String] {
            guard let items = try field(name).arrayValue else { throw invalid("\"\(name)\" must be an array") }
            return try items.map {
                guard let text = $0.stringValue else { throw invalid("\"\(name)\" must hold strings") }
                return text
            }
        }
        func object(_ name: String) throws -> [String: JSONValue] {
            guard let members = try field(name).objectValue else { throw invalid("\"\(name)\" must be an object") }
            return members
        }
        func nodeIDs(_ name: String) throws -> [NodeID] {
            try strings(name).map {
                guard let id = NodeID($0) else { throw invalid("\"\($0)\" in \"\(name)\" is not a node id") }
                return id
            }
        }
        func date(_ name: String) throws -> Date {
            let time = Microseconds(Int64(try integer(name)))
            guard Microseconds.storable.contains(time) else {
                throw invalid("\"\(name)\" is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
            }
            return time.date
        }

        switch try string("kind") {
        case "header":
            guard try string("format") == DumpFormat.name else {
                throw invalid("not a MemoryGraph dump (format is not \"\(DumpFormat.name)\")")
            }
            let version = try integer("format_version")
            guard DumpFormat.readableVersions.contains(version) else {
                throw invalid(
                    "dump format version \(version) is not supported; this version reads "
                        + "\(DumpFormat.readableVersions.lowerBound) to \(DumpFormat.readableVersions.upperBound)")
            }
            let schema = try integer("schema_version")
            guard schema <= DumpFormat.newestSchemaVersion else {
                throw invalid(
                    "the dump comes from schema version \(schema), newer than \(DumpFormat.newestSchemaVersion)")
            }
            let counts = try object("counts")
            guard let nodes = counts["nodes"]?.intValue, let bundles = counts["bundles"]?.intValue else {
                throw invalid("\"counts\" must give \"nodes\" and \"bundles\"")
            }
            self = .header(createdAt: Microseconds(Int64(try integer("created_at_us"))), nodes: nodes, bundles: bundles)
        case "node":
            guard let id = NodeID(try string("id")) else { throw invalid("\"id\" is not a node id") }
            var revision: NodeRevision?
            switch (fields["version"], fields["updated_at_us"]) {
            case (nil, nil):
                break  // format version 1
            case (.some, .some):
                let version = try integer("version")
                guard version >= 1 else { throw invalid("\"version\" must be at least 1, got \(version)") }
                revision = NodeRevision(version: version, updatedAt: try date("updated_at_us"))
            default:
                throw invalid("\"version\" and \"updated_at_us\" must be given together")
            }
            var expiresAt: Date?
            if fields["expires_at_us"] != nil {
                guard revision != nil else {
                    throw invalid("\"expires_at_us\" needs \"version\" and \"updated_at_us\"")
                }
                expiresAt = try date("expires_at_us")
            }
            var embedding: [Float]?
            if let components = fields["embedding"] {
                let vector = components.arrayValue?.compactMap { item in
                    item.boolValue == nil ? item.doubleValue.map(Float.init) : nil
                }
                guard let vector, vector.count == components.arrayValue?.count, vector.allSatisfy(\.isFinite) else {
                    throw invalid("\"embedding\" must be an array of numbers, each finite as a 32-bit float")
                }
                embedding = vector
            }
            self = .node(
                NodeDraft(
                    id: id, agentID: try string("agent_id"), taskContext: try string("task_context"),
                    result: try field("result"), metadata: try object("metadata"), links: try nodeIDs("links"),
                    timestamp: try date("timestamp_us"), revision: revision, expiresAt: expiresAt,
                    embedding: embedding))
        case "bundle":
            guard let id = BundleID(try string("id")) else { throw invalid("\"id\" is not a bundle id") }
            self = .bundle(
                MemoryBundle(
                    id: id, taskID: try string("task_id"), agentIDs: try strings("agent_ids"),
                    contexts: try strings("contexts"), nodeIDs: try nodeIDs("node_ids"),
                    createdAt: try date("created_at_us"), metadata: try object("metadata")))
        case "trailer":
            self = .trailer(
                nodes: try integer("nodes"), bundles: try integer("bundles"), checksum: try string("checksum"))
        case let other:
            throw invalid("unknown record kind \"\(other)\"")
        }
    }
}
