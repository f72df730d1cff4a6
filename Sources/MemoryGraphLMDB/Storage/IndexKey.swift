import MemoryGraphCore

/// Index keys built from interned ids: fixed width, big-endian.
enum IndexKey {
    /// `agent id (4) | context id (4)`.
    static func agentContext(_ agent: UInt32, _ context: UInt32) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(8)
        key.appendBigEndian(agent)
        key.appendBigEndian(context)
        return key
    }

    /// A 4-byte id key.
    static func id(_ value: UInt32) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(4)
        key.appendBigEndian(value)
        return key
    }

    /// The key of a confidence in `idx.confidence`: its IEEE 754 bits, big-endian. For the
    /// non-negative numbers stored there, byte order is numeric order.
    static func confidence(_ confidence: Double) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(8)
        key.appendBigEndian((confidence + 0).bitPattern)  // + 0 turns -0.0 into 0.0
        return key
    }
}
