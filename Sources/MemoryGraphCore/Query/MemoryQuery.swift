public import Foundation

/// A multi-criteria query over nodes: every given criterion must hold; a `nil` criterion
/// matches everything and an empty set matches nothing.
///
/// ```swift
/// var q = MemoryQuery()
/// q.agentIDs = ["planner", "critic", "scout"]
/// q.contexts = ["trip-42", "trip-43"]
/// q.timeRange = lastWeek..<now
/// q.minConfidence = 0.8
/// q.limit = 100
/// let page = try graph.query(q)
/// ```
public struct MemoryQuery: Sendable, Hashable, Codable {
    /// The order of results.
    public enum Order: String, Sendable, Hashable, Codable {
        /// Latest timestamp first (ties: larger id first).
        case newestFirst
        /// Earliest timestamp first (ties: smaller id first).
        case oldestFirst
    }

    /// Nodes written by any of these agents.
    public var agentIDs: Set<String>?
    /// Nodes in any of these task contexts.
    public var contexts: Set<String>?
    /// Nodes whose `result.type` is any of these.
    public var types: Set<String>?
    /// Nodes whose timestamp lies in this half-open range.
    public var timeRange: Range<Date>?
    /// Nodes whose `confidence_score` is at least this (inclusive). Nodes without a confidence
    /// never match a confidence bound.
    public var minConfidence: Double?
    /// Nodes whose `confidence_score` is at most this (inclusive).
    public var maxConfidence: Double?
    /// Nodes that this node links to (targets of its out-links).
    public var linkedFrom: NodeID?
    /// Nodes that link to this node (sources of its in-links).
    public var linkedTo: NodeID?
    /// The order of results. Default: ``Order/newestFirst``.
    public var order: Order = .newestFirst
    /// The most nodes per page. Default: 100.
    public var limit: Int = 100

    /// A query that matches every node.
    public init() {}

    /// Whether any criterion restricts the result.
    package var isUnconstrained: Bool {
        agentIDs == nil && contexts == nil && types == nil && timeRange == nil && minConfidence == nil
            && maxConfidence == nil && linkedFrom == nil && linkedTo == nil
    }
}

/// One page of query results.
public struct QueryPage: Sendable, Hashable {
    /// The matching nodes, in the query's order.
    public var nodes: [MemoryNode]
    /// Pass it to ``MemoryGraph/query(_:after:)`` for the next page; `nil` on the last page.
    public var nextCursor: QueryCursor?
}

/// Where the next page of a query starts: opaque, and valid only for the query that made it.
///
/// Its string form can be handed to a client and parsed back with ``init(_:)``. A cursor stays
/// correct when nodes are added between pages: no node is returned twice and no older node is
/// skipped.
public struct QueryCursor: Sendable, Hashable, Codable, LosslessStringConvertible {
    package static let formatVersion: UInt8 = 1

    /// The last node returned.
    package let last: Posting

    /// The time of the last node the page returned: a backend's keyset continues after
    /// (``lastTimestamp``, ``lastID``) in the query's order.
    public var lastTimestamp: Date { last.timestamp.date }
    /// The id of the last node the page returned.
    public var lastID: NodeID { last.id }
    /// The query the cursor belongs to.
    package let fingerprint: UInt64

    package init(last: Posting, fingerprint: UInt64) {
        self.last = last
        self.fingerprint = fingerprint
    }

    /// Parses the string form; `nil` when it is not a cursor.
    public init?(_ description: String) {
        guard let data = Data(base64Encoded: description), data.count == 1 + 24 + 8,
            data.first == Self.formatVersion
        else { return nil }
        let bytes = [UInt8](data)
        let parsed = bytes.withUnsafeBytes { buffer in
            (Posting(buffer, at: 1), buffer.bigEndianUInt64(at: 25))
        }
        last = parsed.0
        fingerprint = parsed.1
    }

    /// The opaque string form (base64).
    public var description: String {
        var bytes: [UInt8] = [Self.formatVersion]
        bytes += last.bytes
        bytes.appendBigEndian(fingerprint)
        return Data(bytes).base64EncodedString()
    }

    /// Decodes the string form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let cursor = QueryCursor(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a MemoryGraph query cursor: \(text)"))
        }
        self = cursor
    }

    /// Encodes the string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension MemoryQuery {
    /// A stable hash of every criterion and the order (not the limit), so a cursor can be
    /// checked against the query it is used with, in any process: FNV-1a over a canonical
    /// encoding (each criterion tagged, sets sorted, strings length-prefixed, numbers as bits).
    package var fingerprint: UInt64 {
        var bytes: [UInt8] = []
        func strings(_ tag: UInt8, _ set: Set<String>?) {
            bytes.append(tag)
            guard let set else { return bytes.append(0) }
            bytes.append(1)
            bytes.appendBigEndian(UInt32(set.count))
            for text in set.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                bytes.appendBigEndian(UInt32(text.utf8.count))
                bytes.append(contentsOf: text.utf8)
            }
        }
        func number(_ tag: UInt8, _ value: Double?) {
            bytes.append(tag)
            guard let value else { return bytes.append(0) }
            bytes.append(1)
            bytes.appendBigEndian(value.bitPattern)
        }
        func node(_ tag: UInt8, _ id: NodeID?) {
            bytes.append(tag)
            guard let id else { return bytes.append(0) }
            bytes.append(1)
            bytes.append(contentsOf: id.bytes)
        }
        strings(1, agentIDs)
        strings(2, contexts)
        strings(3, types)
        number(4, timeRange?.lowerBound.timeIntervalSince1970)
        number(5, timeRange?.upperBound.timeIntervalSince1970)
        number(6, minConfidence)
        number(7, maxConfidence)
        node(8, linkedFrom)
        node(9, linkedTo)
        strings(10, [order.rawValue])
        var hash = FNV1a()
        hash.update(bytes)
        return hash.value
    }
}
