extension MemoryGraph {
    /// How much of the change log a store keeps: the newest ``maximumEntries`` entries, and
    /// none older than ``maximumAge``; `nil` sets no bound of that kind.
    ///
    /// Each commit drops the entries beyond the bounds, so the log stays within them (the
    /// entries of one large commit may exceed ``maximumEntries`` until the next). A dropped
    /// entry is gone for every reader: asking for changes before the oldest one kept fails with
    /// ``MemoryGraphError/Code/changesTruncated``, and a node's ``MemoryGraph/history(of:)``
    /// loses the versions it held. The log is also all a store keeps of a removed or forgotten
    /// node; to purge that too, lower the bounds and make one write.
    ///
    /// The default keeps 1 000 000 entries of at most 30 days.
    public struct ChangeRetention: Sendable, Hashable, Codable {
        /// The most entries kept; must be positive. Default: 1 000 000.
        public var maximumEntries: Int?
        /// The age, in seconds, beyond which entries are dropped; must be positive. Default:
        /// 30 days.
        public var maximumAge: Double?

        /// A retention policy; the default keeps 1 000 000 entries of at most 30 days.
        public init(maximumEntries: Int? = 1_000_000, maximumAge: Double? = 30 * 24 * 3600) {
            self.maximumEntries = maximumEntries
            self.maximumAge = maximumAge
        }

        /// Keeps every entry.
        public static let unbounded = ChangeRetention(maximumEntries: nil, maximumAge: nil)

        /// The age bound in microseconds, for backends that store microsecond times.
        package var maximumAgeMicroseconds: Int64? {
            maximumAge.map { Int64(min($0 * 1e6, Double(Int64.max / 2))) }
        }

        package func validate() throws {
            if let maximumEntries, maximumEntries <= 0 {
                throw MemoryGraphError(
                    .invalidConfiguration,
                    "changeRetention.maximumEntries must be positive, got \(maximumEntries); use nil to keep every entry"
                )
            }
            if let maximumAge, !(maximumAge > 0) || !maximumAge.isFinite {
                throw MemoryGraphError(
                    .invalidConfiguration,
                    "changeRetention.maximumAge must be a positive number of seconds, got \(maximumAge); use nil for no age bound"
                )
            }
        }
    }
}
