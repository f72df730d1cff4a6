/// The first-read filter of ``MemoryGraph/CacheAdmission/repeated``: one bit per hash of a key,
/// set by a key's first read, so that its next read is admitted (the doorkeeper of TinyLFU).
/// Once ``resetAfter`` bits were set, every bit is cleared, so marks from long ago do not admit
/// a key.
///
/// Collisions admit a key on its first read, which costs an insertion and nothing else.
struct Doorkeeper: Sendable {
    private var words: [UInt64]
    private let mask: UInt64
    private var marked = 0
    /// The number of marks after which every bit is cleared.
    let resetAfter: Int

    /// A filter for a cache of `capacity` entries: 32 bits an entry (at least 512), cleared after
    /// twice `capacity` marks, so that at most one bit in 16 is set and few first reads collide.
    init(capacity: Int) {
        var bits = 512
        while bits < capacity * 32 { bits <<= 1 }
        words = Array(repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
        resetAfter = max(1, capacity * 2)
    }

    /// Whether the key hashed to `hash` was marked; marks it when it was not.
    mutating func admits(_ hash: UInt64) -> Bool {
        let bit = (hash &* 0x9E37_79B9_7F4A_7C15) >> 32 & mask
        let word = Int(bit >> 6)
        let flag: UInt64 = 1 << (bit & 63)
        if words[word] & flag != 0 { return true }
        if marked == resetAfter {
            for index in words.indices { words[index] = 0 }
            marked = 0
        }
        words[word] |= flag
        marked += 1
        return false
    }
}
