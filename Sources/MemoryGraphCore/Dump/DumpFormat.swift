import Foundation

/// The logical dump format: JSON Lines, one object per line, keys sorted.
///
/// 1. a header: `{"kind":"header","format":"memory-graph-dump","format_version":4,
///    "schema_version":6,"created_at_us":…,"counts":{"nodes":…,"bundles":…,"links":…}}`
/// 2. every node in id order: `{"kind":"node","id":…,"agent_id":…,"task_context":…,
///    "timestamp_us":…,"version":…,"updated_at_us":…,"expires_at_us":…,"result":…,"metadata":{…},
///    "links":[…],"embedding":[…]}`, with `expires_at_us` only for a node that expires and
///    `embedding` only for a node that has one (each component the shortest decimal that reads
///    back as the same 32-bit float)
/// 3. every bundle in id order: `{"kind":"bundle","id":…,"task_id":…,"agent_ids":[…],
///    "contexts":[…],"node_ids":[…],"created_at_us":…,"metadata":{…}}`
/// 4. a trailer: `{"kind":"trailer","nodes":…,"bundles":…,"checksum":"fnv1a64:…"}`, the checksum
///    covering every byte before the trailer line.
///
/// Times are microseconds since 1970, so a dump restores exactly. Format version 1 (written by
/// libraries before schema version 4) has no `version` and `updated_at_us`: its nodes restore
/// at version 1, updated at their timestamp; format version 2 (schema version 4) has no
/// `expires_at_us`; format version 3 (schema version 5) has no `embedding`. A dump holds no node that had expired when it was taken; a node that
/// expires between the dump and its restore is restored, invisible, and swept.
package enum DumpFormat {
    package static let name = "memory-graph-dump"
    package static let version = 4
    /// The format versions this library restores.
    package static let readableVersions: ClosedRange<Int> = 1...4
    /// The schema version a dump names: the oldest whose library restores its lines. Node lines
    /// carry versions from schema version 4 on (versions 2 and 3 changed only how node records
    /// and index entries are stored), expiries from version 5 on, and embeddings from version 6 on.
    package static let schemaVersion = 6
    /// The newest schema version whose dumps this library restores (the store format a dump was
    /// written from, which the embedded backend numbers; a dump names it, and restores with any
    /// library that knows it).
    package static let newestSchemaVersion = 6
    package static let checksumPrefix = "fnv1a64:"

    package static func header(createdAt: Microseconds, nodes: Int, bundles: Int, links: Int) -> JSONValue {
        [
            "kind": "header", "format": .string(name), "format_version": .int(version),
            "schema_version": .int(schemaVersion), "created_at_us": .int(Int(createdAt.value)),
            "counts": ["nodes": .int(nodes), "bundles": .int(bundles), "links": .int(links)],
        ]
    }

    package static func node(_ node: MemoryNode, embedding: [Float]?) -> JSONValue {
        var line: [String: JSONValue] = [
            "kind": "node", "id": .string(node.id.description), "agent_id": .string(node.agentID),
            "task_context": .string(node.taskContext),
            "timestamp_us": .int(Int(Microseconds(nearest: node.timestamp).value)),
            "version": .int(node.version), "updated_at_us": .int(Int(Microseconds(nearest: node.updatedAt).value)),
            "result": node.result, "metadata": .object(node.metadata),
            "links": .array(node.links.map { .string($0.description) }),
        ]
        if let expiresAt = node.expiresAt {
            line["expires_at_us"] = .int(Int(Microseconds(nearest: expiresAt).value))
        }
        if let embedding { line["embedding"] = WireFormat.vector(embedding) }
        return .object(line)
    }

    package static func bundle(_ bundle: MemoryBundle) -> JSONValue {
        [
            "kind": "bundle", "id": .string(bundle.id.description), "task_id": .string(bundle.taskID),
            "agent_ids": .array(bundle.agentIDs.map { .string($0) }),
            "contexts": .array(bundle.contexts.map { .string($0) }),
            "node_ids": .array(bundle.nodeIDs.map { .string($0.description) }),
            "created_at_us": .int(Int(Microseconds(nearest: bundle.createdAt).value)),
            "metadata": .object(bundle.metadata),
        ]
    }

    package static func trailer(nodes: Int, bundles: Int, checksum: FNV1a) -> JSONValue {
        [
            "kind": "trailer", "nodes": .int(nodes), "bundles": .int(bundles),
            "checksum": .string(checksumPrefix + checksum.hex),
        ]
    }
}

/// How far a dump or restore has come, for progress displays.
public struct DumpProgress: Sendable, Hashable {
    /// Nodes and bundles handled so far.
    public var recordsDone: Int
    /// Nodes and bundles in the store or the dump.
    public var recordsTotal: Int
}

/// What a dump wrote or a restore read.
public struct DumpSummary: Sendable, Hashable, Codable {
    /// Nodes.
    public var nodes: Int
    /// Bundles.
    public var bundles: Int
    /// Links.
    public var links: Int
    /// The checksum in the trailer, `fnv1a64:` and 16 hex digits.
    public var checksum: String
}
