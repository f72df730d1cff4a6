import Foundation
import MemoryGraphCore
import NIOCore
import PostgresNIO

/// A time as PostgreSQL's `timestamptz` holds it on the wire: whole microseconds (since
/// 2000-01-01), exactly the store's resolution, with no detour through `Double`.
struct PostgresTime: PostgresNonThrowingEncodable, PostgresDecodable, Sendable {
    /// Microseconds since 1970.
    var microseconds: Microseconds

    /// Microseconds from 1970 to 2000, where PostgreSQL counts from.
    private static let postgresEpoch: Int64 = 946_684_800_000_000

    init(_ microseconds: Microseconds) { self.microseconds = microseconds }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(microseconds.value - Self.postgresEpoch)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard format == .binary, type == .timestamptz || type == .timestamp else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        guard let value = buffer.readInteger(as: Int64.self) else { throw PostgresDecodingError.Code.failure }
        microseconds = Microseconds(value + Self.postgresEpoch)
    }

    /// The `Date` the store gives for this time.
    var date: Date { microseconds.date }
}

extension TimeOrderedID {
    /// The id as a PostgreSQL `uuid`: the same sixteen bytes, so `uuid` order is id order.
    var uuid: UUID {
        let b = bytes
        return UUID(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    /// The id with the bytes of `uuid`.
    init(_ uuid: UUID) {
        let t = uuid.uuid
        let bytes = [t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9, t.10, t.11, t.12, t.13, t.14, t.15]
        guard let id = Self(bytes: bytes) else { preconditionFailure("sixteen bytes are always an id") }
        self = id
    }
}
