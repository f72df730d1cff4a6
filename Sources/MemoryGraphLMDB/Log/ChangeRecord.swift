import MemoryGraphCore

/// A change a write made, as the write knows it: the writer numbers it and stores it as a
/// ``ChangeRecord`` in `log` once the write succeeded.
struct PendingChange {
    var kind: GraphChange.Kind
    var node: NodeID?
    var target: NodeID?
    var bundle: BundleID?
    /// The interned agent and context of the node (of a link's source).
    var names: (agent: UInt32, context: UInt32)?
    var version: Int?
    /// The node's record before the change, for ``MemoryGraph/history(of:)``: kept by updates
    /// and removals.
    var previous: [UInt8]?

    /// Whether the entry keeps an earlier version of its node, and so is listed in `log.node`.
    var keepsVersion: Bool { previous != nil && node != nil }
}

/// A change log entry as stored in `log`.
///
/// Layout (big-endian): kind (1) · fields (1) · commit time µs (8, sortable) · then, as the
/// field bits say: node id (16, bit 1) · target node id (16, bit 2) · bundle id (16, bit 4) ·
/// interned agent and context (4 + 4, bit 8) · version (8, bit 16) · the node's earlier record
/// (the rest, bit 32).
struct ChangeRecord {
    var kind: GraphChange.Kind
    var committedAt: Microseconds
    var node: NodeID?
    var target: NodeID?
    var bundle: BundleID?
    var names: (agent: UInt32, context: UInt32)?
    var version: Int?
    /// Where the earlier record starts in the stored bytes, when there is one.
    var previousOffset: Int?

    private static let kinds: [GraphChange.Kind] = [
        .nodeAdded, .nodeUpdated, .nodeRemoved, .linked, .unlinked, .bundleCreated, .bundleChanged,
        .bundleRemoved, .nodeExpired,
    ]
    private static let hasNode: UInt8 = 1
    private static let hasTarget: UInt8 = 2
    private static let hasBundle: UInt8 = 4
    private static let hasNames: UInt8 = 8
    private static let hasVersion: UInt8 = 16
    private static let hasPrevious: UInt8 = 32
    private static let headerSize = 10

    /// The stored form of `change`, committed at `committedAt`.
    static func encode(_ change: PendingChange, committedAt: Microseconds) -> [UInt8] {
        var fields: UInt8 = 0
        if change.node != nil { fields |= hasNode }
        if change.target != nil { fields |= hasTarget }
        if change.bundle != nil { fields |= hasBundle }
        if change.names != nil { fields |= hasNames }
        if change.version != nil { fields |= hasVersion }
        if change.previous != nil { fields |= hasPrevious }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + 60 + (change.previous?.count ?? 0))
        bytes.append(UInt8(kinds.firstIndex(of: change.kind) ?? 0) + 1)
        bytes.append(fields)
        bytes.appendBigEndian(committedAt.sortable)
        if let node = change.node { bytes += node.bytes }
        if let target = change.target { bytes += target.bytes }
        if let bundle = change.bundle { bytes += bundle.bytes }
        if let names = change.names {
            bytes.appendBigEndian(names.agent)
            bytes.appendBigEndian(names.context)
        }
        if let version = change.version { bytes.appendBigEndian(UInt64(version)) }
        if let previous = change.previous { bytes += previous }
        return bytes
    }

    /// Reads a stored entry; the earlier record, if any, is left in place (``previousOffset``).
    init(_ bytes: UnsafeRawBufferPointer) throws(RecordCorruption) {
        guard bytes.count >= Self.headerSize else {
            throw RecordCorruption(
                message: "a change entry of \(bytes.count) bytes is shorter than its header", offset: 0)
        }
        let kindIndex = Int(bytes[0]) - 1
        guard Self.kinds.indices.contains(kindIndex) else {
            throw RecordCorruption(message: "unknown change kind \(bytes[0])", offset: 0)
        }
        kind = Self.kinds[kindIndex]
        let fields = bytes[1]
        committedAt = Microseconds(sortable: bytes.bigEndianUInt64(at: 2))
        var offset = Self.headerSize
        func take(_ count: Int) throws(RecordCorruption) -> Int {
            guard bytes.count - offset >= count else {
                throw RecordCorruption(message: "the change entry ends inside a field", offset: offset)
            }
            defer { offset += count }
            return offset
        }
        node = fields & Self.hasNode != 0 ? NodeID(bytes, at: try take(16)) : nil
        target = fields & Self.hasTarget != 0 ? NodeID(bytes, at: try take(16)) : nil
        bundle = fields & Self.hasBundle != 0 ? BundleID(bytes, at: try take(16)) : nil
        if fields & Self.hasNames != 0 {
            let at = try take(8)
            names = (bytes.bigEndianUInt32(at: at), bytes.bigEndianUInt32(at: at + 4))
        }
        if fields & Self.hasVersion != 0 {
            let stored = bytes.bigEndianUInt64(at: try take(8))
            guard stored >= 1, stored <= UInt64(Limits.maximumVersion) else {
                throw RecordCorruption(message: "version \(stored) is out of range", offset: offset - 8)
            }
            version = Int(stored)
        }
        previousOffset = fields & Self.hasPrevious != 0 ? offset : nil
        if previousOffset == nil, offset != bytes.count {
            throw RecordCorruption(message: "\(bytes.count - offset) bytes follow the change entry", offset: offset)
        }
    }

    /// Whether the entry keeps an earlier version of its node (and so is listed in `log.node`).
    var keepsVersion: Bool { previousOffset != nil && node != nil }
}

/// The key of log entry `sequence`: 8 big-endian bytes, so key order is sequence order.
func logKey(_ sequence: UInt64) -> [UInt8] {
    var key: [UInt8] = []
    key.appendBigEndian(sequence)
    return key
}
