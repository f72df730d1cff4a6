/// A node's result and metadata: given as values, or as the checked binary JSON of a stored
/// record, which then decodes without failing.
package struct NodePayload: Sendable {
    package typealias Values = (result: JSONValue, metadata: [String: JSONValue])

    /// The result's binary JSON followed by the metadata's; empty when built from values.
    private let encoded: [UInt8]
    private let resultLength: Int
    /// The result and metadata when built from values; `nil` for stored bytes.
    package let values: Values?

    /// A payload of values.
    package init(result: JSONValue, metadata: [String: JSONValue]) {
        encoded = []
        resultLength = 0
        values = (result, metadata)
    }

    /// A payload of a stored record's bytes: `resultLength` bytes of the result, then the metadata.
    ///
    /// - Throws: ``RecordCorruption`` unless both are values ``BinaryJSON/decode(_:)`` accepts
    ///   and the metadata is an object, so decoding them later cannot fail.
    package init(checking bytes: UnsafeRawBufferPointer, resultLength: Int) throws(RecordCorruption) {
        // Copied first: one bulk copy brings the record's cache lines in faster than the
        // byte-wise walk of the check would.
        encoded = Array(bytes)
        if let damage = encoded.withUnsafeBytes({ Self.damage(in: $0, resultLength: resultLength) }) { throw damage }
        self.resultLength = resultLength
        values = nil
    }

    /// What is wrong with `bytes` as a result of `resultLength` bytes followed by a metadata
    /// object, or `nil` when both decode.
    private static func damage(in bytes: UnsafeRawBufferPointer, resultLength: Int) -> RecordCorruption? {
        do {
            try BinaryJSON.validate(UnsafeRawBufferPointer(rebasing: bytes[..<resultLength]))
        } catch {
            return error
        }
        let metadata = UnsafeRawBufferPointer(rebasing: bytes[resultLength...])
        guard metadata.first == BinaryJSON.objectTag else {
            return RecordCorruption(message: "node metadata is not an object", offset: resultLength)
        }
        do {
            try BinaryJSON.validate(metadata)
        } catch {
            return RecordCorruption(message: error.message, offset: resultLength + error.offset)
        }
        return nil
    }

    /// The result and metadata: the values given, or the checked bytes decoded (each call
    /// decodes them again).
    package func decode() -> Values {
        if let values { return values }
        return encoded.withUnsafeBytes { bytes -> Values in
            do {
                let result = try BinaryJSON.decode(UnsafeRawBufferPointer(rebasing: bytes[..<resultLength]))
                guard
                    case .object(let members) = try BinaryJSON.decode(
                        UnsafeRawBufferPointer(rebasing: bytes[resultLength...]))
                else { preconditionFailure("checked node metadata is not an object") }
                return (result, members)
            } catch {
                preconditionFailure("checked node payload does not decode: \(error)")
            }
        }
    }
}
