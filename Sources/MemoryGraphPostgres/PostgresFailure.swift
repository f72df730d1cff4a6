import MemoryGraphCore
import PostgresNIO

/// What a PostgreSQL error means to the store: its ``MemoryGraphError``, and whether running
/// the whole transaction again may succeed.
enum PostgresFailure {
    /// The SQLSTATE of a server error, when `error` is one.
    static func sqlState(of error: any Error) -> String? {
        guard let error = error as? PSQLError, error.code == .server else { return nil }
        return error.serverInfo?[.sqlState]
    }

    /// Whether the transaction failed only because of another one at the same time (a
    /// serialization failure, a deadlock, or a unique key another transaction inserted after
    /// this one looked — two instances adding one id): running it again may succeed, or fail
    /// with the error the checks give once they see the other's row.
    static func isTransient(_ error: any Error) -> Bool {
        guard let state = sqlState(of: error) else { return false }
        return ["40001", "40P01", "23505"].contains(state)
    }

    /// Whether the failure ended the connection or the transaction on the server's side: the
    /// whole batch fails then, not one mutation.
    static func abortsTransaction(_ error: any Error) -> Bool {
        if error is MemoryGraphError { return false }
        guard let state = sqlState(of: error) else { return true }
        return !["22P05", "22021", "23503", "54000"].contains(state)
    }

    /// `error` as a ``MemoryGraphError``, saying what the store was `doing`.
    static func mapped(_ error: any Error, while doing: String, closed: Bool = false) -> MemoryGraphError {
        if let error = error as? MemoryGraphError { return error }
        if closed { return MemoryGraphError(.closed, "the PostgreSQL graph was closed while \(doing)") }
        if let state = sqlState(of: error) {
            let message = (error as? PSQLError)?.serverInfo?[.message] ?? "an error"
            switch state {
            case "22P05", "22021":
                return MemoryGraphError(
                    .invalidArgument,
                    "PostgreSQL cannot store the character U+0000 (NUL) in a name or a JSON string: \(message)",
                    underlyingError: error)
            case "23503":
                return MemoryGraphError(
                    .nodeNotFound,
                    "a node or bundle this names was removed by another writer at the same time: \(message)",
                    underlyingError: error)
            case "54000":
                return MemoryGraphError(
                    .payloadTooLarge, "PostgreSQL refused a value as too large: \(message)", underlyingError: error)
            case "53100":
                return MemoryGraphError(
                    .storageFull, "the PostgreSQL server's disk is full while \(doing): \(message)",
                    underlyingError: error)
            case let state where state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300":
                return MemoryGraphError(
                    .unavailable, "the PostgreSQL server is unavailable while \(doing): \(message)",
                    underlyingError: error)
            default:
                return MemoryGraphError(
                    .storage, "PostgreSQL failed (SQLSTATE \(state)) while \(doing): \(message)", underlyingError: error
                )
            }
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .queryCancelled:
                return MemoryGraphError(
                    .unavailable, "the PostgreSQL server could not be reached while \(doing) (\(error.code))",
                    underlyingError: error)
            default:
                break
            }
        }
        if error is CancellationError {
            return MemoryGraphError(.unavailable, "cancelled while \(doing)", underlyingError: error)
        }
        return MemoryGraphError(.unavailable, "PostgreSQL failed while \(doing): \(error)", underlyingError: error)
    }
}
