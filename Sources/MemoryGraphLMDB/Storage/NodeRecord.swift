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
        header = try NodeHeader(record)
        links = header.linkCount.map { count in
            (0..<count).map { NodeID(record, at: NodeHeader.linksOffset + 16 * $0) }
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
/// result length (4); when flag 4 is set, the out-link count (4) and the out-links (16 bytes
/// each, in `links.out` order); then the result and the metadata in ``BinaryJSON``.
struct NodeHeader: Hashable, Sendable {
    static let size = 34
    static let formatVersion: UInt8 = 1
    /// Where a record's out-links start, after their count.
    static let linksOffset = size + 4
    /// The most out-links a record carries. A node with more keeps them only in `links.out`, so
    /// that linking a hub node does not rewrite an ever larger record.
    static let maximumCarriedLinks = 64
    private static let hasType: UInt8 = 1
    private static let hasConfidence: UInt8 = 2
    private static let carriesLinks: UInt8 = 4

    var agent: UInt32
    var context: UInt32
    var type: UInt32?
    var confidence: Double?
    var timestamp: Microseconds
    var resultLength: Int
    /// The number of out-links the record carries; `nil` when it carries none, not even a count
    /// (schema version 1 records, and nodes with more than ``maximumCarriedLinks``).
    var linkCount: Int?

    init(
        agent: UInt32, context: UInt32, type: UInt32?, confidence: Double?, timestamp: Microseconds,
        resultLength: Int
    ) {
        self.agent = agent
        self.context = context
        self.type = type
        self.confidence = confidence
        self.timestamp = timestamp
        self.resultLength = resultLength
        linkCount = nil
    }

    /// Where the result starts in the record.
    var payloadOffset: Int { linkCount.map { Self.linksOffset + 16 * $0 } ?? Self.size }

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
        guard flags & ~(Self.hasType | Self.hasConfidence | Self.carriesLinks) == 0 else {
            throw RecordCorruption(message: "unknown node record flags \(flags)", offset: 1)
        }
        agent = record.bigEndianUInt32(at: 2)
        context = record.bigEndianUInt32(at: 6)
        type = flags & Self.hasType != 0 ? record.bigEndianUInt32(at: 10) : nil
        confidence = flags & Self.hasConfidence != 0 ? Double(bitPattern: record.bigEndianUInt64(at: 14)) : nil
        timestamp = Microseconds(Int64(bitPattern: record.bigEndianUInt64(at: 22)))
        resultLength = Int(record.bigEndianUInt32(at: 30))
        if flags & Self.carriesLinks != 0 {
            guard record.count >= Self.linksOffset else {
                throw RecordCorruption(
                    message: "node record of \(record.count) bytes is shorter than its link count", offset: Self.size)
            }
            let count = Int(record.bigEndianUInt32(at: Self.size))
            guard count <= (record.count - Self.linksOffset) / 16 else {
                throw RecordCorruption(message: "link count \(count) exceeds the record", offset: Self.size)
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
        bytes.reserveCapacity(Self.linksOffset + 16 * (links?.count ?? 0) + reserving)
        bytes.append(Self.formatVersion)
        bytes.append(
            (type == nil ? 0 : Self.hasType) | (confidence == nil ? 0 : Self.hasConfidence)
                | (links == nil ? 0 : Self.carriesLinks))
        bytes.appendBigEndian(agent)
        bytes.appendBigEndian(context)
        bytes.appendBigEndian(type ?? 0)
        bytes.appendBigEndian(confidence?.bitPattern ?? 0)
        bytes.appendBigEndian(UInt64(bitPattern: timestamp.value))
        bytes.appendBigEndian(UInt32(resultLength))
        if let links {
            bytes.appendBigEndian(UInt32(links.count))
            for link in links { link.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }
}
