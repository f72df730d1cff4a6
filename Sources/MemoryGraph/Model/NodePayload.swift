/// A node's result and metadata: given as values, or as the checked binary JSON of a stored
/// record, which then decodes without failing.
struct NodePayload: Sendable {
    typealias Values = (result: JSONValue, metadata: [String: JSONValue])

    /// A stored record's bytes, holding the result's binary JSON at `resultStart` followed by
    /// the metadata's; empty when built from values.
    private let encoded: [UInt8]
    private let resultStart: Int
    private let resultLength: Int
    /// The result and metadata when built from values; `nil` for stored bytes.
    let values: Values?

    /// A payload of values.
    init(result: JSONValue, metadata: [String: JSONValue]) {
        encoded = []
        resultStart = 0
        resultLength = 0
        values = (result, metadata)
    }

    /// A payload of a copy of a whole stored record: `resultLength` bytes of the result from
    /// `resultStart`, then the metadata to the end. The copy is kept whole: cutting it would
    /// copy the bytes again.
    ///
    /// - Throws: ``RecordCorruption`` (its offset within `record`) unless both are values
    ///   ``BinaryJSON/decode(_:)`` accepts and the metadata is an object, so decoding them later
    ///   cannot fail.
    init(checking record: [UInt8], resultStart: Int, resultLength: Int) throws(RecordCorruption) {
        let damage = record.withUnsafeBytes { bytes in
            Self.damage(in: UnsafeRawBufferPointer(rebasing: bytes[resultStart...]), resultLength: resultLength)
        }
        if let damage {
            throw RecordCorruption(message: damage.message, offset: resultStart + damage.offset)
        }
        encoded = record
        self.resultStart = resultStart
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
    func decode() -> Values {
        if let values { return values }
        return encoded.withUnsafeBytes { record -> Values in
            let bytes = UnsafeRawBufferPointer(rebasing: record[resultStart...])
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
