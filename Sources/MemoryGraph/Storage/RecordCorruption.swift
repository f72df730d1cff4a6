/// A stored record that does not decode: what is wrong and at which byte.
///
/// Internal to storage; the store reports it as ``MemoryGraphError/Code/corruption``.
struct RecordCorruption: Error, Sendable, CustomStringConvertible {
    var message: String
    var offset: Int

    var description: String { "\(message) (at byte \(offset))" }
}
