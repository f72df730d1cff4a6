/// An error thrown by ``MemoryGraph``: what was wrong and how to fix it.
///
/// Switch on ``code``, or match a code directly:
///
/// ```swift
/// do {
///     try graph.link(from: a, to: b)
/// } catch MemoryGraphError.nodeNotFound {
///     // one of the two nodes does not exist
/// }
/// ```
///
/// A failed write never leaves anything half-written: the transaction that would have held it
/// is aborted.
public struct MemoryGraphError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Kind: String, Sendable, Hashable {
            case invalidArgument, invalidConfiguration, nodeNotFound, bundleNotFound
            case duplicateID, payloadTooLarge, bundleTooLarge, bundlingDisabled, closed
            case alreadyOpen, storageFull, incompatibleSchema, corruption, readOnly
            case invalidCursor, storage, asyncDisabled, invalidDump, unsupported, versionConflict, changesTruncated
            case permissionDenied, unavailable
        }

        let kind: Kind

        /// An argument is invalid: an empty or too long string, a confidence outside [0, 1], ….
        public static let invalidArgument = Code(kind: .invalidArgument)
        /// A ``MemoryGraph/Configuration`` value is invalid.
        public static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// A node named by the operation does not exist.
        public static let nodeNotFound = Code(kind: .nodeNotFound)
        /// A bundle named by the operation does not exist.
        public static let bundleNotFound = Code(kind: .bundleNotFound)
        /// A node or bundle with that id already exists.
        public static let duplicateID = Code(kind: .duplicateID)
        /// The encoded result and metadata exceed the configured maximum payload size.
        public static let payloadTooLarge = Code(kind: .payloadTooLarge)
        /// A bundle would hold more than the configured maximum number of nodes.
        public static let bundleTooLarge = Code(kind: .bundleTooLarge)
        /// Bundles were disabled in the configuration.
        public static let bundlingDisabled = Code(kind: .bundlingDisabled)
        /// The graph was closed.
        public static let closed = Code(kind: .closed)
        /// The store is already open in this process.
        public static let alreadyOpen = Code(kind: .alreadyOpen)
        /// The store reached its maximum map size or the disk is full; nothing of the write was
        /// stored, reads go on.
        public static let storageFull = Code(kind: .storageFull)
        /// The store has a schema version this library cannot open; or, on a write, another
        /// process upgraded the store after this graph opened it (nothing is written).
        public static let incompatibleSchema = Code(kind: .incompatibleSchema)
        /// Stored bytes could not be decoded: the store is damaged.
        public static let corruption = Code(kind: .corruption)
        /// The graph was opened read-only.
        public static let readOnly = Code(kind: .readOnly)
        /// A query page cursor is malformed or belongs to another query.
        public static let invalidCursor = Code(kind: .invalidCursor)
        /// The storage engine failed; ``MemoryGraphError/underlyingError`` holds its error.
        public static let storage = Code(kind: .storage)
        /// An `async` form was called with ``MemoryGraph/Configuration/enableAsyncOperations`` off.
        public static let asyncDisabled = Code(kind: .asyncDisabled)
        /// A dump file is malformed, truncated or fails its checksum; the message names the line.
        public static let invalidDump = Code(kind: .invalidDump)
        /// The backend cannot do this (for example a synchronous call on a backend that answers
        /// only asynchronously); the message says what to use instead.
        public static let unsupported = Code(kind: .unsupported)
        /// An update expected another version of the node than the stored one: another writer
        /// changed it first. ``MemoryGraphError/currentVersion`` holds the stored version; read
        /// the node again and retry, or use ``MemoryGraph/modify(_:_:)``.
        public static let versionConflict = Code(kind: .versionConflict)
        /// The change log no longer holds the changes asked for: retention dropped them. The
        /// error's ``MemoryGraphError/oldestAvailableSequence`` says where the log now starts;
        /// resynchronise (read the current state), then follow from ``MemoryGraph/currentSequence()``.
        public static let changesTruncated = Code(kind: .changesTruncated)
        /// An ``AgentSession`` was asked to write as another agent than its own, or in a task
        /// context outside its scope; nothing was written. (What lies outside a session's ``ReadScope`` is not forbidden but invisible:
        /// it reads as absent.)
        public static let permissionDenied = Code(kind: .permissionDenied)
        /// The backend could not be reached: a remote service or database server refused or
        /// dropped the connection, or did not answer in time. ``MemoryGraphError/underlyingError``
        /// holds the transport's error. A write that failed so may or may not have been applied:
        /// read before writing again, or repeat it where it is idempotent (an add with the same id
        /// and content, an update with its expected version).
        public static let unavailable = Code(kind: .unavailable)

        /// The code named `name` (its ``description``, e.g. `nodeNotFound`); `nil` for a name
        /// that is no code, such as one of a newer library.
        package init?(name: String) {
            guard let kind = Kind(rawValue: name) else { return nil }
            self.kind = kind
        }

        init(kind: Kind) { self.kind = kind }

        /// The code's name, e.g. `nodeNotFound`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What was wrong and how to fix it.
    public var message: String
    /// The error that caused this one, if any (for example an `LMDBError`).
    public var underlyingError: (any Error)?
    /// With ``Code/versionConflict``: the node's stored version, which the failed update did
    /// not expect.
    public var currentVersion: Int?
    /// With ``Code/changesTruncated``: the sequence number of the oldest change the log still
    /// holds.
    public var oldestAvailableSequence: UInt64?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlyingError: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlyingError = underlyingError
    }

    /// The ``Code/versionConflict`` of an update of `id` that expected version `expected` of a
    /// node at version `current`.
    package static func versionConflict(_ id: NodeID, expected: Int, current: Int) -> MemoryGraphError {
        var error = MemoryGraphError(
            .versionConflict,
            "node \(id) is at version \(current), not the expected version \(expected): another writer changed it; "
                + "read it again and retry with expectedVersion \(current)")
        error.currentVersion = current
        return error
    }

    /// `"code: message"`, followed by the underlying error when there is one.
    /// The ``Code/changesTruncated`` of a read of the changes after `sequence` from a log that
    /// starts at `oldest`.
    package static func changesTruncated(after sequence: UInt64, oldest: UInt64) -> MemoryGraphError {
        var error = MemoryGraphError(
            .changesTruncated,
            "the change log no longer holds the changes after sequence \(sequence): retention dropped them, and the "
                + "oldest change kept is \(oldest). Read the current state again, then follow the changes from "
                + "currentSequence()")
        error.oldestAvailableSequence = oldest
        return error
    }

    public var description: String {
        if let underlyingError { return "\(code): \(message) (\(underlyingError))" }
        return "\(code): \(message)"
    }

    /// An argument is invalid.
    public static let invalidArgument = Code.invalidArgument
    /// A configuration value is invalid.
    public static let invalidConfiguration = Code.invalidConfiguration
    /// A node named by the operation does not exist.
    public static let nodeNotFound = Code.nodeNotFound
    /// A bundle named by the operation does not exist.
    public static let bundleNotFound = Code.bundleNotFound
    /// A node or bundle with that id already exists.
    public static let duplicateID = Code.duplicateID
    /// The payload exceeds the configured maximum.
    public static let payloadTooLarge = Code.payloadTooLarge
    /// A bundle would exceed the configured maximum number of nodes.
    public static let bundleTooLarge = Code.bundleTooLarge
    /// Bundles were disabled in the configuration.
    public static let bundlingDisabled = Code.bundlingDisabled
    /// The graph was closed.
    public static let closed = Code.closed
    /// The store is already open in this process.
    public static let alreadyOpen = Code.alreadyOpen
    /// The store is full.
    public static let storageFull = Code.storageFull
    /// The store's schema version is unknown.
    public static let incompatibleSchema = Code.incompatibleSchema
    /// Stored bytes are damaged.
    public static let corruption = Code.corruption
    /// The graph is read-only.
    public static let readOnly = Code.readOnly
    /// A page cursor is invalid.
    public static let invalidCursor = Code.invalidCursor
    /// The storage engine failed.
    public static let storage = Code.storage
    /// The async forms are disabled.
    public static let asyncDisabled = Code.asyncDisabled
    /// A dump file is invalid.
    public static let invalidDump = Code.invalidDump
    /// The backend cannot do this.
    public static let unsupported = Code.unsupported
    /// An update expected another version.
    public static let versionConflict = Code.versionConflict
    /// The change log no longer holds the changes asked for.
    public static let changesTruncated = Code.changesTruncated
    /// A session was asked to write as another agent, or outside its contexts.
    public static let permissionDenied = Code.permissionDenied
    /// The backend could not be reached.
    public static let unavailable = Code.unavailable
}

extension MemoryGraphError.Code {
    /// Matches an error against a code, so callers can write `catch MemoryGraphError.nodeNotFound`.
    public static func ~= (pattern: MemoryGraphError.Code, value: any Error) -> Bool {
        (value as? MemoryGraphError)?.code == pattern
    }
}
