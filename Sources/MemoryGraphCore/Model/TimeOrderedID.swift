public import Foundation

/// What a ``TimeOrderedID`` identifies; it keeps node ids and bundle ids apart in the type system.
public protocol IdentifiedKind {}

/// Marks ids of memory nodes.
public enum MemoryNodeKind: IdentifiedKind {}

/// Marks ids of bundles.
public enum MemoryBundleKind: IdentifiedKind {}

/// The identifier of a memory node.
public typealias NodeID = TimeOrderedID<MemoryNodeKind>

/// The identifier of a bundle.
public typealias BundleID = TimeOrderedID<MemoryBundleKind>

/// A UUID version 7 (RFC 9562) naming one kind of thing: ``NodeID`` or ``BundleID``.
///
/// Ids are time-ordered: comparing two ids compares their creation times first, and ids made by
/// one process are strictly increasing. The string form is the standard lowercase
/// `xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx`; `Codable` uses it too.
public struct TimeOrderedID<Kind: IdentifiedKind>: Hashable, Comparable, Sendable, Codable,
    LosslessStringConvertible
{
    @usableFromInline package var uuid: TimeOrderedUUID

    /// A new id, greater than every id this process made before.
    public init() {
        uuid = .generate()
    }

    /// Parses the standard `8-4-4-4-12` hexadecimal form; `nil` when `description` is not one.
    public init?(_ description: String) {
        guard let uuid = TimeOrderedUUID(description) else { return nil }
        self.uuid = uuid
    }

    /// The id whose 16 bytes (network order) are `bytes`; `nil` unless there are exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard let uuid = TimeOrderedUUID(bytes: bytes) else { return nil }
        self.uuid = uuid
    }

    @inlinable package init(high: UInt64, low: UInt64) {
        uuid = TimeOrderedUUID(high: high, low: low)
    }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] { uuid.bytes }

    /// The standard lowercase string form.
    public var description: String { uuid.text }

    /// The creation time encoded in the id, to the millisecond.
    public var timestamp: Date { Date(timeIntervalSince1970: Double(uuid.milliseconds) / 1000) }

    /// Orders ids by creation time, then by their remaining bits.
    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.uuid < rhs.uuid }

    /// Whether two ids are the same id.
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool { lhs.uuid == rhs.uuid }

    /// Hashes the id's 128 bits.
    @inlinable public func hash(into hasher: inout Hasher) { uuid.hash(into: &hasher) }

    /// Decodes the standard string form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = TimeOrderedUUID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a UUID in the 8-4-4-4-12 form")
        }
        self.uuid = uuid
    }

    /// Encodes the standard string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    @inlinable package func write(to bytes: inout [UInt8]) { uuid.write(to: &bytes) }

    /// Calls `body` with the 16 bytes, without allocating.
    @inlinable package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try uuid.withUnsafeBytes(body)
    }
}
