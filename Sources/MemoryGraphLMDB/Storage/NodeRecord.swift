import MemoryGraphCore

/// A whole node record read: its header, its out-links when it carries them, and its result and
/// metadata checked (decoded on demand).
///
/// The one reader of stored node records, for reads and for `verify` alike.
struct NodeRecord {
    var header: NodeHeader
    /// The node's out-links in `links.out` order, or `nil` when the record does not carry them
    /// (records written by schema version 1, and nodes with more than
    /// ``NodeHeader/maximumCarriedLinks``: their links are only in `links.out`).
    var links: [NodeID]?
    /// The result and metadata, checked to decode.
    var payload: NodePayload
    /// The node's result (decoded on each access).
    var result: JSONValue { payload.decode().result }
    /// The node's metadata (decoded on each access).
    var metadata: [String: JSONValue] { payload.decode().metadata }

    /// Reads `record`: the header, then the result and the metadata, which must be an object
    /// and end the record exactly. A failure names its byte in the whole record.
    init(_ record: UnsafeRawBufferPointer) throws(RecordCorruption) {
        let header = try NodeHeader(record)
        self.header = header
        links = header.linkCount.map { count in
            (0..<count).map { NodeID(record, at: header.linksOffset + 16 * $0) }
        }
        let payloadOffset = header.payloadOffset
        do {
            payload = try NodePayload(
                checking: UnsafeRawBufferPointer(rebasing: record[payloadOffset...]),
                resultLength: header.resultLength)
        } catch {
            throw RecordCorruption(message: error.message, offset: payloadOffset + error.offset)
        }
    }

    /// `record` with its out-links replaced by `links` (sorted, without repeats; `nil` to carry
    /// none), as ``NodeHeader/record(result:metadata:links:)`` writes them.
    static func replacingLinks(in record: UnsafeRawBufferPointer, with links: [NodeID]?) throws(RecordCorruption)
        -> [UInt8]
    {
        let header = try NodeHeader(record)
        var bytes = header.bytes(links: links)
        bytes.append(contentsOf: record[header.payloadOffset...])
        return bytes
    }
}

/// The fixed-size header of a node record: everything a query filters on, readable without
/// decoding the payload.
///
/// Layout (big-endian): format version (1) · flags (1) · agent id (4) · context id (4) ·
/// type id (4, 0 = none) · confidence (8, IEEE 754 bits) · timestamp µs (8, signed) ·
/// result length (4); when flag 8 is set (schema version 4), the version (8) and the update
/// time µs (8, signed); when flag 16 is set (schema version 5), the expiry time µs (8, signed);
/// when flag 4 is set, the out-link count (4) and the out-links (16 bytes
/// each, in `links.out` order); then the result and the metadata in ``BinaryJSON``.
///
/// A record without flag 8 is at version 1, updated at its timestamp: so records of older
/// schema versions read unchanged, and a node never updated carries no revision.
struct NodeHeader: Hashable, Sendable {
    static let size = 34
    static let formatVersion: UInt8 = 1
    /// The size of the version and update time, when the record carries them.
    static let revisionSize = 16
    /// The most out-links a record carries. A node with more keeps them only in `links.out`, so
    /// that linking a hub node does not rewrite an ever larger record.
    static let maximumCarriedLinks = 64
    private static let hasType: UInt8 = 1
    private static let hasConfidence: UInt8 = 2
    private static let carriesLinks: UInt8 = 4
    private static let carriesRevision: UInt8 = 8
    private static let carriesExpiry: UInt8 = 16
    /// The size of the expiry time, when the record carries one.
    static let expirySize = 8

    var agent: UInt32
    var context: UInt32
    var type: UInt32?
    var confidence: Double?
    var timestamp: Microseconds
    var resultLength: Int
    /// The number of out-links the record carries; `nil` when it carries none, not even a count
    /// (schema version 1 records, and nodes with more than ``maximumCarriedLinks``).
    var linkCount: Int?
    /// The node's version, from 1.
    var version: Int
    /// When the content became ``version``.
    var updatedAt: Microseconds
    /// When the node expires, if it does.
    var expiresAt: Microseconds?

    init(
        agent: UInt32, context: UInt32, type: UInt32?, confidence: Double?, timestamp: Microseconds,
        resultLength: Int, version: Int = 1, updatedAt: Microseconds? = nil, expiresAt: Microseconds? = nil
    ) {
        self.agent = agent
        self.context = context
        self.type = type
        self.confidence = confidence
        self.timestamp = timestamp
        self.resultLength = resultLength
        linkCount = nil
        self.version = version
        self.updatedAt = updatedAt ?? timestamp
        self.expiresAt = expiresAt
    }

    /// Whether the record carries the version and update time: unless it is at version 1,
    /// updated at its timestamp.
    var carriesRevision: Bool { version != 1 || updatedAt != timestamp }

    /// Where the link count is, when the record carries links.
    private var linkCountOffset: Int {
        Self.size + (carriesRevision ? Self.revisionSize : 0) + (expiresAt == nil ? 0 : Self.expirySize)
    }

    /// Where the record's out-links start, after their count.
    var linksOffset: Int { linkCountOffset + 4 }

    /// Where the result starts in the record.
    var payloadOffset: Int { linkCount.map { linksOffset + 16 * $0 } ?? linkCountOffset }

    /// The version and update time.
    var revision: NodeRevision { NodeRevision(version: version, updatedAt: updatedAt.date) }

    /// Decodes the header at the start of `record`.
    init(_ record: UnsafeRawBufferPointer) throws(RecordCorruption) {
        guard record.count >= Self.size else {
            throw RecordCorruption(
                message: "node record of \(record.count) bytes is shorter than its header", offset: 0)
        }
        guard record[0] == Self.formatVersion else {
            throw RecordCorruption(message: "unknown node record format \(record[0])", offset: 0)
        }
        let flags = record[1]
        let known = Self.hasType | Self.hasConfidence | Self.carriesLinks | Self.carriesRevision | Self.carriesExpiry
        guard flags & ~known == 0 else {
            throw RecordCorruption(message: "unknown node record flags \(flags)", offset: 1)
        }
        agent = record.bigEndianUInt32(at: 2)
        context = record.bigEndianUInt32(at: 6)
        type = flags & Self.hasType != 0 ? record.bigEndianUInt32(at: 10) : nil
        confidence = flags & Self.hasConfidence != 0 ? Double(bitPattern: record.bigEndianUInt64(at: 14)) : nil
        timestamp = Microseconds(Int64(bitPattern: record.bigEndianUInt64(at: 22)))
        resultLength = Int(record.bigEndianUInt32(at: 30))
        if flags & Self.carriesRevision != 0 {
            guard record.count >= Self.size + Self.revisionSize else {
                throw RecordCorruption(
                    message: "node record of \(record.count) bytes is shorter than its version", offset: Self.size)
            }
            let version = record.bigEndianUInt64(at: Self.size)
            guard version >= 1, version <= UInt64(Limits.maximumVersion) else {
                throw RecordCorruption(message: "node version \(version) is not valid", offset: Self.size)
            }
            self.version = Int(version)
            updatedAt = Microseconds(Int64(bitPattern: record.bigEndianUInt64(at: Self.size + 8)))
            // Written only when it differs from the default, so that the offsets after it follow
            // from the values.
            guard carriesRevision else {
                throw RecordCorruption(message: "node record carries the default version", offset: Self.size)
            }
        } else {
            version = 1
            updatedAt = timestamp
        }
        let expiryOffset = Self.size + (flags & Self.carriesRevision != 0 ? Self.revisionSize : 0)
        if flags & Self.carriesExpiry != 0 {
            guard record.count >= expiryOffset + Self.expirySize else {
                throw RecordCorruption(
                    message: "node record of \(record.count) bytes is shorter than its expiry", offset: expiryOffset)
            }
            expiresAt = Microseconds(Int64(bitPattern: record.bigEndianUInt64(at: expiryOffset)))
        } else {
            expiresAt = nil
        }
        let linkCountOffset = expiryOffset + (flags & Self.carriesExpiry != 0 ? Self.expirySize : 0)
        if flags & Self.carriesLinks != 0 {
            guard record.count >= linkCountOffset + 4 else {
                throw RecordCorruption(
                    message: "node record of \(record.count) bytes is shorter than its link count",
                    offset: linkCountOffset)
            }
            let count = Int(record.bigEndianUInt32(at: linkCountOffset))
            guard count <= (record.count - linkCountOffset - 4) / 16 else {
                throw RecordCorruption(message: "link count \(count) exceeds the record", offset: linkCountOffset)
            }
            linkCount = count
        } else {
            linkCount = nil
        }
        guard resultLength <= record.count - payloadOffset else {
            throw RecordCorruption(message: "result length \(resultLength) exceeds the record", offset: 30)
        }
    }

    /// The posting of the node in every index list.
    func posting(_ id: NodeID) -> Posting { Posting(timestamp: timestamp, id: id) }

    /// The record: this header, the out-links `links` (sorted, without repeats; `nil` to carry
    /// none), then the encoded result and metadata.
    func record(result: [UInt8], metadata: [UInt8], links: [NodeID]?) -> [UInt8] {
        var header = self
        header.resultLength = result.count
        var bytes = header.bytes(links: links, reserving: result.count + metadata.count)
        bytes.append(contentsOf: result)
        bytes.append(contentsOf: metadata)
        return bytes
    }

    /// The header's bytes, then `links` with their count when given (the header then carries
    /// links, whatever its ``linkCount`` says), with room for `reserving` more bytes.
    fileprivate func bytes(links: [NodeID]?, reserving: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(linksOffset + 16 * (links?.count ?? 0) + reserving)
        bytes.append(Self.formatVersion)
        bytes.append(
            (type == nil ? 0 : Self.hasType) | (confidence == nil ? 0 : Self.hasConfidence)
                | (links == nil ? 0 : Self.carriesLinks) | (carriesRevision ? Self.carriesRevision : 0)
                | (expiresAt == nil ? 0 : Self.carriesExpiry))
        bytes.appendBigEndian(agent)
        bytes.appendBigEndian(context)
        bytes.appendBigEndian(type ?? 0)
        bytes.appendBigEndian(confidence?.bitPattern ?? 0)
        bytes.appendBigEndian(UInt64(bitPattern: timestamp.value))
        bytes.appendBigEndian(UInt32(resultLength))
        if carriesRevision {
            bytes.appendBigEndian(UInt64(version))
            bytes.appendBigEndian(UInt64(bitPattern: updatedAt.value))
        }
        if let expiresAt { bytes.appendBigEndian(UInt64(bitPattern: expiresAt.value)) }
        if let links {
            bytes.appendBigEndian(UInt32(links.count))
            for link in links { link.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }
}
