import Foundation
import MemoryGraphCore

/// The stored form of a ``MemoryBundle``: a ``BinaryJSON`` object with a format version.
///
/// `{"v": 1, "task": String, "agents": [String], "contexts": [String], "nodes": [String],
/// "created": Int (µs), "meta": Object}`
enum BundleRecord {
    static let formatVersion = 1

    static func encode(_ bundle: MemoryBundle, createdAt: Microseconds) -> [UInt8] {
        let object: JSONValue = .object([
            "v": .int(formatVersion),
            "task": .string(bundle.taskID),
            "agents": .array(bundle.agentIDs.map { .string($0) }),
            "contexts": .array(bundle.contexts.map { .string($0) }),
            "nodes": .array(bundle.nodeIDs.map { .string($0.description) }),
            "created": .int(Int(createdAt.value)),
            "meta": .object(bundle.metadata),
        ])
        var bytes: [UInt8] = []
        BinaryJSON.encode(object, into: &bytes)
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, id: BundleID) throws -> MemoryBundle {
        func corrupt(_ what: String) -> MemoryGraphError {
            MemoryGraphError(.corruption, "the record of bundle \(id) is damaged: \(what); run `memory-graph verify`")
        }
        let value: JSONValue
        do {
            value = try BinaryJSON.decode(bytes)
        } catch {
            throw corrupt("\(error)")
        }
        guard value["v"]?.intValue == formatVersion else { throw corrupt("unknown format \(value["v"] ?? .null)") }
        func strings(_ field: String) throws -> [String] {
            guard let items = value[field]?.arrayValue else { throw corrupt("\(field) is missing") }
            return try items.map { item in
                guard let string = item.stringValue else { throw corrupt("\(field) holds a non-string") }
                return string
            }
        }
        guard let task = value["task"]?.stringValue, let created = value["created"]?.intValue,
            let metadata = value["meta"]?.objectValue
        else { throw corrupt("a field is missing") }
        let createdAt = Microseconds(Int64(created))
        guard Microseconds.storable.contains(createdAt) else {
            throw corrupt("created time \(created) µs is out of range")
        }
        let nodes = try strings("nodes").map { text in
            guard let id = NodeID(text) else { throw corrupt("invalid node id \(text)") }
            return id
        }
        return MemoryBundle(
            id: id, taskID: task, agentIDs: try strings("agents"), contexts: try strings("contexts"), nodeIDs: nodes,
            createdAt: createdAt.date, metadata: metadata)
    }
}
