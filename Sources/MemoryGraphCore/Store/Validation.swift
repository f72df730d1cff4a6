package import Foundation

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
    /// The version to store (1 unless the draft gave a ``NodeDraft/revision``).
    package let version: Int
    /// When the content became that version (the timestamp unless the draft gave a revision).
    package let updatedAt: Microseconds
    /// When the node expires, if it does.
    package let expiresAt: Microseconds?
    /// The embedding, checked but not yet against the store's dimension.
    package let embedding: [Float]?
}

/// An update checked and encoded before its write transaction begins.
package struct PreparedUpdate: Sendable {
    /// The new result encoded, with its type and confidence; `nil` keeps the stored one.
    package var result: (bytes: [UInt8], type: String?, confidence: Double?)?
    /// The new metadata encoded; `nil` keeps the stored one.
    package var metadata: [UInt8]?
    /// The new expiry: `.some(nil)` for none; `nil` keeps the stored one.
    package var expiresAt: Microseconds??
    /// The new embedding: `.some(nil)` removes it; `nil` keeps the stored one.
    package var embedding: [Float]??
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
    package static func check(_ draft: NodeDraft, maximumPayloadSize: Int, now: Date) throws -> NodeDraft {
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
        checked.expiresAt = try draft.expiresAt.map { try expiry($0, now: draft.revision == nil ? now : nil).date }
        if let revision = draft.revision {
            checked.revision = NodeRevision(version: revision.version, updatedAt: try self.revision(revision).date)
        }
        if let embedding = draft.embedding { try Embedding.check(embedding, "embedding") }
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

    /// Checks an expiry: in the stored range and, unless `now` is `nil`, after it. (A draft with a
    /// ``NodeDraft/revision`` is an import of a stored node, which may have expired since it was
    /// exported: it is stored, invisible, and swept.)
    package static func expiry(_ date: Date, now: Date?) throws -> Microseconds {
        guard let micros = Microseconds(date) else {
            throw MemoryGraphError(
                .invalidArgument, "expiresAt \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
        }
        guard let now, micros.date <= now else { return micros }
        throw MemoryGraphError(
            .invalidArgument,
            "expiresAt \(date) is not in the future (now is \(now)); give a later time, or remove the node instead")
    }

    /// Checks a draft's revision: a version from 1, a time in the stored range.
    private static func revision(_ revision: NodeRevision) throws -> Microseconds {
        guard revision.version >= 1, revision.version <= Limits.maximumVersion else {
            throw MemoryGraphError(
                .invalidArgument,
                "version \(revision.version) is not valid; versions run from 1 to \(Limits.maximumVersion)")
        }
        guard let updatedAt = Microseconds(revision.updatedAt) else {
            throw MemoryGraphError(
                .invalidArgument,
                "updatedAt \(revision.updatedAt) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
        }
        return updatedAt
    }

    /// Checks an update without encoding it: at least one field, each valid as in a draft, and
    /// an expected version from 1. The payload limit is the backend's to check, against the
    /// stored part the update keeps.
    package static func check(_ update: NodeUpdate, expectedVersion: Int?, now: Date) throws {
        guard update.result != nil || update.metadata != nil || update.expiry != nil || update.embedding != nil else {
            throw MemoryGraphError(
                .invalidArgument, "the update changes nothing; give a result, metadata, an expiry or an embedding")
        }
        if case .set(let vector) = update.embedding { try Embedding.check(vector, "embedding") }
        if case .at(let date) = update.expiry { _ = try expiry(date, now: now) }
        if let expectedVersion, expectedVersion < 1 {
            throw MemoryGraphError(
                .invalidArgument, "expectedVersion \(expectedVersion) is not valid; versions start at 1")
        }
        if let result = update.result {
            try json(result, "result")
            _ = try type(of: result)
            _ = try confidence(of: result)
        }
        if let metadata = update.metadata { try json(.object(metadata), "metadata") }
    }

    /// Checks and encodes an update, for a backend that stores binary JSON.
    package static func prepare(_ update: NodeUpdate, expectedVersion: Int?, now: Date) throws -> PreparedUpdate {
        try check(update, expectedVersion: expectedVersion, now: now)
        var prepared = PreparedUpdate()
        switch update.expiry {
        case .at(let date)?: prepared.expiresAt = .some(try expiry(date, now: now))
        case .never?: prepared.expiresAt = .some(nil)
        case nil: break
        }
        if let change = update.embedding { prepared.embedding = .some(change.vector) }
        if let result = update.result {
            var bytes: [UInt8] = []
            BinaryJSON.encode(result, into: &bytes)
            prepared.result = (bytes, try type(of: result), try confidence(of: result))
        }
        if let metadata = update.metadata {
            var bytes: [UInt8] = []
            BinaryJSON.encode(.object(metadata), into: &bytes)
            prepared.metadata = bytes
        }
        return prepared
    }

    /// Checks that a node at `version` can take one more update.
    package static func nextVersion(after version: Int, of id: NodeID) throws -> Int {
        guard version < Limits.maximumVersion else {
            throw MemoryGraphError(
                .invalidArgument,
                "node \(id) is at the highest version, \(Limits.maximumVersion); add a new node instead")
        }
        return version + 1
    }

    /// Checks the size of a node's result and metadata encoded, `size` bytes, against `limit`.
    package static func payloadSize(_ size: Int, limit: Int) throws {
        guard size <= limit else {
            throw MemoryGraphError(
                .payloadTooLarge,
                "the result and metadata take \(size) bytes encoded; the limit is \(limit) "
                    + "(Configuration.maximumPayloadSize)")
        }
    }

    /// Checks and encodes a draft, for a backend that stores binary JSON.
    package static func prepare(_ draft: NodeDraft, maximumPayloadSize: Int, now: Date) throws -> PreparedNode {
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
        if let embedding = draft.embedding { try Embedding.check(embedding, "embedding") }
        let id = draft.id ?? NodeID()
        if draft.links.contains(id) {
            throw MemoryGraphError(.invalidArgument, "node \(id) cannot link to itself")
        }
        let updatedAt = try draft.revision.map(revision) ?? timestamp
        let expiresAt = try draft.expiresAt.map { try expiry($0, now: draft.revision == nil ? now : nil) }
        return PreparedNode(
            id: id, agentID: draft.agentID, taskContext: draft.taskContext, type: type, confidence: confidence,
            timestamp: timestamp, result: result, metadata: metadata, links: Array(Set(draft.links)).sorted(),
            version: draft.revision?.version ?? 1, updatedAt: updatedAt, expiresAt: expiresAt,
            embedding: draft.embedding)
    }
}
