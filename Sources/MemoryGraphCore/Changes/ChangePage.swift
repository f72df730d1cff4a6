/// One read of the change log: the matching entries after a sequence number, in order, and
/// how far the read looked.
public struct ChangePage: Sendable, Hashable, Codable {
    /// The entries that matched, oldest first.
    public var changes: [GraphChange]
    /// The last sequence number the read examined (matching or not), or the sequence it started
    /// after when there was nothing: the next read continues after it.
    public var scannedThrough: UInt64

    /// The most entries one read examines, so that a filter that matches little does not hold
    /// one read open over the whole log: 10 000.
    public static let maximumScanned = 10_000

    /// Creates a page.
    public init(changes: [GraphChange], scannedThrough: UInt64) {
        self.changes = changes
        self.scannedThrough = scannedThrough
    }
}
