/// A stored record that does not decode: what is wrong and at which byte.
///
/// Internal to storage; the store reports it as ``MemoryGraphError/Code/corruption``.
package struct RecordCorruption: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var offset: Int

    package init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    package var description: String { "\(message) (at byte \(offset))" }
}
