/// A whole node record read: its header, and its result and metadata checked (decoded when
/// first used).
///
/// The one reader of stored node records, for reads and for `verify` alike.
struct NodeRecord {
    var header: NodeHeader
    /// The result and metadata, checked to decode.
    var payload: NodePayload
    /// The node's result.
    var result: JSONValue { payload.decoded.result }
    /// The node's metadata.
    var metadata: [String: JSONValue] { payload.decoded.metadata }

    /// Reads `record`: the header, then the result and the metadata, which must be an object
    /// and end the record exactly. A failure names its byte in the whole record.
    init(_ record: UnsafeRawBufferPointer) throws(RecordCorruption) {
        header = try NodeHeader(record)
        do {
            payload = try NodePayload(
                checking: UnsafeRawBufferPointer(rebasing: record[NodeHeader.size...]),
                resultLength: header.resultLength)
        } catch {
            throw RecordCorruption(message: error.message, offset: NodeHeader.size + error.offset)
        }
    }
}

/// The fixed-size header of a node record: everything a query filters on, readable without
/// decoding the payload.
///
/// Layout (big-endian): format version (1) · flags (1) · agent id (4) · context id (4) ·
/// type id (4, 0 = none) · confidence (8, IEEE 754 bits) · timestamp µs (8, signed) ·
/// result length (4); then the result and the metadata in ``BinaryJSON``.
struct NodeHeader: Hashable, Sendable {
    static let size = 34
    static let formatVersion: UInt8 = 1
    private static let hasType: UInt8 = 1
    private static let hasConfidence: UInt8 = 2

    var agent: UInt32
    var context: UInt32
    var type: UInt32?
    var confidence: Double?
    var timestamp: Microseconds
    var resultLength: Int

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
    }

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
        guard flags & ~(Self.hasType | Self.hasConfidence) == 0 else {
            throw RecordCorruption(message: "unknown node record flags \(flags)", offset: 1)
        }
        agent = record.bigEndianUInt32(at: 2)
        context = record.bigEndianUInt32(at: 6)
        type = flags & Self.hasType != 0 ? record.bigEndianUInt32(at: 10) : nil
        confidence = flags & Self.hasConfidence != 0 ? Double(bitPattern: record.bigEndianUInt64(at: 14)) : nil
        timestamp = Microseconds(Int64(bitPattern: record.bigEndianUInt64(at: 22)))
        resultLength = Int(record.bigEndianUInt32(at: 30))
        guard resultLength <= record.count - Self.size else {
            throw RecordCorruption(message: "result length \(resultLength) exceeds the record", offset: 30)
        }
    }

    /// The posting of the node in every index list.
    func posting(_ id: NodeID) -> Posting { Posting(timestamp: timestamp, id: id) }

    /// The record: this header followed by the encoded result and metadata.
    func record(result: [UInt8], metadata: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size + result.count + metadata.count)
        bytes.append(Self.formatVersion)
        bytes.append((type == nil ? 0 : Self.hasType) | (confidence == nil ? 0 : Self.hasConfidence))
        bytes.appendBigEndian(agent)
        bytes.appendBigEndian(context)
        bytes.appendBigEndian(type ?? 0)
        bytes.appendBigEndian(confidence?.bitPattern ?? 0)
        bytes.appendBigEndian(UInt64(bitPattern: timestamp.value))
        bytes.appendBigEndian(UInt32(result.count))
        bytes.append(contentsOf: result)
        bytes.append(contentsOf: metadata)
        return bytes
    }
}
