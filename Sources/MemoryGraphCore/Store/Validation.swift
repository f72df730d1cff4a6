import Foundation

/// A node checked and encoded before its write transaction begins.
package struct PreparedNode: Sendable {
    package let id: NodeID
    package let agentID: String
    package let taskContext: String
    package let type: String?
    package let confidence: Double?
    package let timestamp: Microseconds
    package let result: [UInt8]
    package let metadata: [UInt8]
    /// Distinct, in id order.
    package let links: [NodeID]
}

/// Checks of user input that need no storage access; each failure is a clear
/// ``MemoryGraphError``.
package enum Validation {
    /// Checks an agent id, context, type or task id.
    package static func name(_ value: String, _ what: String) throws {
        guard !value.isEmpty else {
            throw MemoryGraphError(.invalidArgument, "\(what) is empty; pass a non-empty \(what)")
        }
        let length = value.utf8.count
        guard length <= Limits.maximumNameLength else {
            throw MemoryGraphError(
                .invalidArgument,
                "\(what) is \(length) bytes long; the limit is \(Limits.maximumNameLength) UTF-8 bytes")
        }
    }

    /// Checks that `value` nests at most ``Limits/maximumNesting`` deep and holds only finite numbers.
    package static func json(_ value: JSONValue, _ what: String) throws {
        guard BinaryJSON.validateDepth(value) else {
            throw MemoryGraphError(
                .invalidArgument, "\(what) nests deeper than \(Limits.maximumNesting) levels; flatten it")
        }
        if let path = nonFinitePath(value, path: what) {
            throw MemoryGraphError(
                .invalidArgument, "\(path) is not a finite number; JSON cannot hold NaN or infinity")
        }
    }

    private static func nonFinitePath(_ value: JSONValue, path: String) -> String? {
        switch value {
        case .double(let number): return number.isFinite ? nil : path
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = nonFinitePath(item, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for (key, item) in members {
                if let found = nonFinitePath(item, path: "\(path).\(key)") { return found }
            }
            return nil
        default: return nil
        }
    }

    /// The `type` of a result: a non-empty string or absent (`null` counts as absent).
    package static func type(of result: JSONValue) throws -> String? {
        switch result["type"] {
        case nil, .null?: return nil
        case .string(let type)?:
            try name(type, "result type")
            return type
        case let other?:
            throw MemoryGraphError(.invalidArgument, "result.type must be a string, got \(other)")
        }
    }

    /// The `confidence_score` of a result: a finite number in [0, 1] or absent.
    package static func confidence(of result: JSONValue) throws -> Double? {
        let value = result["confidence_score"]
        if value == nil || value == .null { return nil }
        guard let number = value?.doubleValue, value?.boolValue == nil else {
            throw MemoryGraphError(
                .invalidArgument, "result.confidence_score must be a number in [0, 1], got \(value ?? .null)")
        }
        guard number.isFinite, number >= 0, number <= 1 else {
            throw MemoryGraphError(
                .invalidArgument, "result.confidence_score must be a finite number in [0, 1], got \(number)")
        }
        return number
    }

    /// Checks a draft without encoding it and returns it complete: its id (a new one when it
    /// has none), its timestamp (now when it has none, to the microsecond), and its links distinct
    /// and in id order. What a backend is handed in a ``GraphMutation/addNodes(_:)``.
    package static func check(_ draft: NodeDraft, maximumPayloadSize: Int) throws -> NodeDraft {
        try name(draft.agentID, "agentID")
        try name(draft.taskContext, "taskContext")
        try json(draft.result, "result")
        try json(.object(draft.metadata), "metadata")
        _ = try type(of: draft.result)
        _ = try confidence(of: draft.result)
        let timestamp = try self.timestamp(draft.timestamp)
        let size = BinaryJSON.encodedSize(draft.result) + BinaryJSON.encodedSize(.object(draft.metadata))
        try payloadSize(size, limit: maximumPayloadSize)
        var checked = draft
        let id = draft.id ?? NodeID()
        if draft.links.contains(id) {
            throw MemoryGraphError(.invalidArgument, "node \(id) cannot link to itself")
        }
        checked.id = id
        checked.timestamp = timestamp.date
        checked.links = Array(Set(draft.links)).sorted()
        return checked
    }

    /// The stored time of `date`; now when `nil`.
    private static func timestamp(_ date: Date?) throws -> Microseconds {
        guard let date else { return .now() }
        guard let micros = Microseconds(date) else {
            throw MemoryGraphError(
                .invalidArgument, "timestamp \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
        }
        return micros
    }

    private static func payloadSize(_ size: Int, limit: Int) throws {
        guard size <= limit else {
            throw MemoryGraphError(
                .payloadTooLarge,
                "the result and metadata take \(size) bytes encoded; the limit is \(limit) "
                    + "(Configuration.maximumPayloadSize)")
        }
    }

    /// Checks and encodes a draft, for a backend that stores binary JSON.
    package static func prepare(_ draft: NodeDraft, maximumPayloadSize: Int) throws -> PreparedNode {
        try name(draft.agentID, "agentID")
        try name(draft.taskContext, "taskContext")
        try json(draft.result, "result")
        try json(.object(draft.metadata), "metadata")
        let type = try type(of: draft.result)
        let confidence = try confidence(of: draft.result)
        let timestamp = try self.timestamp(draft.timestamp)
        var result: [UInt8] = []
        BinaryJSON.encode(draft.result, into: &result)
        var metadata: [UInt8] = []
        BinaryJSON.encode(.object(draft.metadata), into: &metadata)
        try payloadSize(result.count + metadata.count, limit: maximumPayloadSize)
        let id = draft.id ?? NodeID()
        if draft.links.contains(id) {
            throw MemoryGraphError(.invalidArgument, "node \(id) cannot link to itself")
        }
        return PreparedNode(
            id: id, agentID: draft.agentID, taskContext: draft.taskContext, type: type, confidence: confidence,
            timestamp: timestamp, result: result, metadata: metadata, links: Array(Set(draft.links)).sorted())
    }
}
