public import MemoryGraphCore
import MemoryGraphTools

/// A failure as the service reports it: the library's error code, its message, and the HTTP
/// status that goes with it.
public struct ServiceError: Error, Sendable {
    /// The error code: a ``MemoryGraphError/Code`` name such as `versionConflict`, or one of the
    /// service's own: `unauthorized`, `notFound` (no such route), `httpNNN` (another HTTP
    /// failure), `internal`.
    public let code: String
    /// What was wrong and how to fix it.
    public let message: String
    /// The HTTP status.
    public let status: Int
    /// With a version conflict: the node's stored version.
    public private(set) var currentVersion: Int?
    /// With truncated changes: the sequence number of the oldest change the log still holds.
    public private(set) var oldestAvailableSequence: UInt64?

    /// An error of the service's own.
    public init(code: String, status: Int, _ message: String) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// `error` as the service reports it: a ``MemoryGraphError`` keeps its code and message;
    /// anything else is an internal error whose details are not shown.
    public init(_ error: any Error) {
        if let error = error as? ServiceError {
            self = error
        } else if let error = error as? MemoryGraphError {
            self.init(code: error.code.description, status: Self.status(of: error.code), error.message)
            currentVersion = error.currentVersion
            oldestAvailableSequence = error.oldestAvailableSequence
        } else {
            self.init(code: "internal", status: 500, "the service failed; see its log")
        }
    }

    /// The HTTP status of a library error.
    static func status(of code: MemoryGraphError.Code) -> Int {
        switch code {
        case .invalidArgument, .invalidCursor, .bundleTooLarge: 400
        case .permissionDenied, .readOnly: 403
        case .nodeNotFound, .bundleNotFound: 404
        case .versionConflict, .duplicateID: 409
        case .changesTruncated: 410
        case .payloadTooLarge: 413
        case .closed, .unavailable: 503
        case .storageFull: 507
        case .bundlingDisabled, .unsupported: 501
        default: 500
        }
    }

    /// The JSON body: `{"error": {"code", "message"}}`, with `current_version` for a conflict
    /// and `oldest_available_sequence` for truncated changes.
    public var body: JSONValue {
        let body = MemoryJSON.error(code: code, message: message, currentVersion: currentVersion)
        guard let oldestAvailableSequence, var error = body["error"]?.objectValue else { return body }
        error["oldest_available_sequence"] = .int(Int(clamping: oldestAvailableSequence))
        return ["error": .object(error)]
    }
}
