import LMDB
import MemoryGraphCore

/// The fields of a node that a query filters on besides time — agent, context, type and
/// confidence — as the entries of the posting lists keyed by interned ids (`idx.agent`,
/// `idx.context`, `idx.agent_context`, `idx.type`) carry them after the posting (schema version
/// 3), so a query driven by those lists tests a candidate without reading its record.
///
/// 20 bytes: `agent (4) | context (4) | type (4, 0 = none) | confidence (8, IEEE 754 bits,
/// all ones = none)`. Interned ids start at 1 and a stored confidence is finite, so neither
/// marker is a value.
struct FilterFields: Hashable, Sendable {
    static let size = 20
    private static let noConfidence = UInt64.max

    var agent: UInt32
    var context: UInt32
    var type: UInt32?
    var confidence: Double?

    /// The fields of the node with record header `header`.
    init(_ header: NodeHeader) {
        agent = header.agent
        context = header.context
        type = header.type
        confidence = header.confidence
    }

    /// Decodes the 20 bytes at `offset` of `buffer`; the caller checked the bounds.
    init(_ buffer: UnsafeRawBufferPointer, at offset: Int) {
        agent = buffer.bigEndianUInt32(at: offset)
        context = buffer.bigEndianUInt32(at: offset + 4)
        let type = buffer.bigEndianUInt32(at: offset + 8)
        self.type = type == 0 ? nil : type
        let confidence = buffer.bigEndianUInt64(at: offset + 12)
        self.confidence = confidence == Self.noConfidence ? nil : Double(bitPattern: confidence)
    }

    /// Appends the 20 bytes.
    func write(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(agent)
        bytes.appendBigEndian(context)
        bytes.appendBigEndian(type ?? 0)
        bytes.appendBigEndian(confidence?.bitPattern ?? Self.noConfidence)
    }
}

/// One entry of a posting list as stored: the posting, then the node's ``FilterFields``
/// (44 bytes), or the bare 24-byte posting (`idx.confidence`, and stores older than schema
/// version 3).
struct IndexEntry: Hashable, Sendable {
    static let size = Posting.size + FilterFields.size

    var posting: Posting
    /// `nil` for an entry written before schema version 3.
    var fields: FilterFields?

    init(posting: Posting, fields: FilterFields?) {
        self.posting = posting
        self.fields = fields
    }

    /// The entry of node `id` with record header `header`.
    init(_ id: NodeID, _ header: NodeHeader) {
        posting = header.posting(id)
        fields = FilterFields(header)
    }

    /// Decodes a stored entry of 44 bytes, or of 24 (written before schema version 3); `nil` for
    /// any other size.
    init?(exactly buffer: UnsafeRawBufferPointer) {
        switch buffer.count {
        case Self.size: self.init(posting: Posting(buffer), fields: FilterFields(buffer, at: Posting.size))
        case Posting.size: self.init(posting: Posting(buffer), fields: nil)
        default: return nil
        }
    }

    /// Decodes a stored entry of `database`; a size other than 44 or 24 is `.corruption`.
    static func decode(_ buffer: UnsafeRawBufferPointer, in database: Database) throws -> IndexEntry {
        guard let entry = IndexEntry(exactly: buffer) else {
            throw MemoryGraphError(
                .corruption,
                "an entry of \(database) has \(buffer.count) bytes, not 24 or 44; run `memory-graph verify`")
        }
        return entry
    }

    /// The stored bytes: 44, or 24 for an entry without fields.
    var bytes: [UInt8] {
        var bytes = posting.bytes
        fields?.write(to: &bytes)
        return bytes
    }
}
