internal import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error reported by LMDB or by this wrapper.
///
/// Every LMDB return code and every `errno` value LMDB can return maps to a ``Code``; the
/// ``message`` carries LMDB's own text (`mdb_strerror`) and ``operation`` names the call that
/// failed, so a log line says what went wrong and where.
///
/// ```swift
/// do {
///     try environment.write { txn in try txn.put(value, forKey: key, in: database) }
/// } catch LMDBError.mapFull {
///     // raise `Environment.Options.maximumMapSize` or free space
/// }
/// ```
public struct LMDBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened. New codes may be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable {
            case keyExists, notFound, pageNotFound, corrupted, panic, versionMismatch
            case invalid, mapFull, databasesFull, readersFull, tlsFull, transactionFull
            case cursorFull, pageFull, mapResized, incompatible, badReaderSlot
            case badTransaction, badValueSize, badDatabase
            case noSuchFile, permissionDenied, noSpace, invalidArgument, busy, ioError
            case outOfMemory, readOnlyFileSystem, wouldBlock, alreadyOpen, closed
            case system(Int32)
        }

        let kind: Kind

        init(kind: Kind) { self.kind = kind }

        /// `MDB_KEYEXIST`: the key (or key and duplicate) is already present.
        public static let keyExists = Code(kind: .keyExists)
        /// `MDB_NOTFOUND`: no matching key or data item.
        public static let notFound = Code(kind: .notFound)
        /// `MDB_PAGE_NOTFOUND`: a requested page was not found; the file is damaged.
        public static let pageNotFound = Code(kind: .pageNotFound)
        /// `MDB_CORRUPTED`: a page has an invalid type; the file is damaged.
        public static let corrupted = Code(kind: .corrupted)
        /// `MDB_PANIC`: a fatal error; the environment must be closed.
        public static let panic = Code(kind: .panic)
        /// `MDB_VERSION_MISMATCH`: the library version does not match the environment.
        public static let versionMismatch = Code(kind: .versionMismatch)
        /// `MDB_INVALID`: the file is not an LMDB data file.
        public static let invalid = Code(kind: .invalid)
        /// `MDB_MAP_FULL`: the map reached its maximum size.
        public static let mapFull = Code(kind: .mapFull)
        /// `MDB_DBS_FULL`: more named databases than `maximumDatabases`.
        public static let databasesFull = Code(kind: .databasesFull)
        /// `MDB_READERS_FULL`: every reader slot is in use.
        public static let readersFull = Code(kind: .readersFull)
        /// `MDB_TLS_FULL`: too many thread-local reader slots.
        public static let tlsFull = Code(kind: .tlsFull)
        /// `MDB_TXN_FULL`: the write transaction has too many dirty pages; write in chunks.
        public static let transactionFull = Code(kind: .transactionFull)
        /// `MDB_CURSOR_FULL`: the cursor stack is too deep.
        public static let cursorFull = Code(kind: .cursorFull)
        /// `MDB_PAGE_FULL`: a page has no more space.
        public static let pageFull = Code(kind: .pageFull)
        /// `MDB_MAP_RESIZED`: another process grew the map beyond this one's size.
        public static let mapResized = Code(kind: .mapResized)
        /// `MDB_INCOMPATIBLE`: the operation or flags do not match the database.
        public static let incompatible = Code(kind: .incompatible)
        /// `MDB_BAD_RSLOT`: a reader slot was used incorrectly.
        public static let badReaderSlot = Code(kind: .badReaderSlot)
        /// `MDB_BAD_TXN`: the transaction must be aborted (it failed earlier or is finished).
        public static let badTransaction = Code(kind: .badTransaction)
        /// `MDB_BAD_VALSIZE`: a key or duplicate value is empty or longer than 511 bytes.
        public static let badValueSize = Code(kind: .badValueSize)
        /// `MDB_BAD_DBI`: the database handle changed or is not valid.
        public static let badDatabase = Code(kind: .badDatabase)
        /// `ENOENT`: the path does not exist.
        public static let noSuchFile = Code(kind: .noSuchFile)
        /// `EACCES`: permission denied, or a write in a read-only transaction.
        public static let permissionDenied = Code(kind: .permissionDenied)
        /// `ENOSPC`: the disk is full.
        public static let noSpace = Code(kind: .noSpace)
        /// `EINVAL`: an invalid argument or state.
        public static let invalidArgument = Code(kind: .invalidArgument)
        /// `EBUSY`: the resource is busy.
        public static let busy = Code(kind: .busy)
        /// `EIO`: a low-level I/O error.
        public static let ioError = Code(kind: .ioError)
        /// `ENOMEM`: out of memory.
        public static let outOfMemory = Code(kind: .outOfMemory)
        /// `EROFS`: the file system is read-only.
        public static let readOnlyFileSystem = Code(kind: .readOnlyFileSystem)
        /// `EAGAIN`: the environment is locked by another process.
        public static let wouldBlock = Code(kind: .wouldBlock)
        /// The environment is already open in this process and sharing was not allowed.
        public static let alreadyOpen = Code(kind: .alreadyOpen)
        /// The environment was closed.
        public static let closed = Code(kind: .closed)

        /// Any other `errno` value.
        public static func system(_ errno: Int32) -> Code { Code(kind: .system(errno)) }

        /// The code for an LMDB return code or `errno` value.
        init(returnCode rc: Int32) {
            switch rc {
            case MDB_KEYEXIST: self = .keyExists
            case MDB_NOTFOUND: self = .notFound
            case MDB_PAGE_NOTFOUND: self = .pageNotFound
            case MDB_CORRUPTED: self = .corrupted
            case MDB_PANIC: self = .panic
            case MDB_VERSION_MISMATCH: self = .versionMismatch
            case MDB_INVALID: self = .invalid
            case MDB_MAP_FULL: self = .mapFull
            case MDB_DBS_FULL: self = .databasesFull
            case MDB_READERS_FULL: self = .readersFull
            case MDB_TLS_FULL: self = .tlsFull
            case MDB_TXN_FULL: self = .transactionFull
            case MDB_CURSOR_FULL: self = .cursorFull
            case MDB_PAGE_FULL: self = .pageFull
            case MDB_MAP_RESIZED: self = .mapResized
            case MDB_INCOMPATIBLE: self = .incompatible
            case MDB_BAD_RSLOT: self = .badReaderSlot
            case MDB_BAD_TXN: self = .badTransaction
            case MDB_BAD_VALSIZE: self = .badValueSize
            case MDB_BAD_DBI: self = .badDatabase
            case ENOENT: self = .noSuchFile
            case EACCES, EPERM: self = .permissionDenied
            case ENOSPC: self = .noSpace
            case EINVAL: self = .invalidArgument
            case EBUSY: self = .busy
            case EIO: self = .ioError
            case ENOMEM: self = .outOfMemory
            case EROFS: self = .readOnlyFileSystem
            case EAGAIN: self = .wouldBlock
            default: self = .system(rc)
            }
        }

        /// A short name of the code, e.g. `mapFull`.
        public var description: String {
            switch kind {
            case .system(let errno): return "system(errno \(errno))"
            default: return "\(kind)"
            }
        }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A human-readable explanation, including LMDB's own message where there is one.
    public var message: String
    /// The operation that failed, e.g. `mdb_put` or `Environment.open`.
    public var operation: String

    /// Creates an error.
    public init(code: Code, message: String, operation: String) {
        self.code = code
        self.message = message
        self.operation = operation
    }

    /// Creates the error for an LMDB return code, with LMDB's message.
    init(returnCode rc: Int32, operation: String, detail: String? = nil) {
        let text = String(cString: mdb_strerror(rc))
        self.init(
            code: Code(returnCode: rc),
            message: detail.map { "\(text): \($0)" } ?? text,
            operation: operation)
    }

    /// `"operation: message [code]"`.
    public var description: String { "\(operation): \(message) [\(code)]" }

    /// `MDB_KEYEXIST`: the key (or key and duplicate) is already present.
    public static let keyExists = Code.keyExists
    /// `MDB_NOTFOUND`: no matching key or data item.
    public static let notFound = Code.notFound
    /// `MDB_MAP_FULL`: the map reached its maximum size.
    public static let mapFull = Code.mapFull
    /// `MDB_INVALID`: the file is not an LMDB data file.
    public static let invalid = Code.invalid
    /// `ENOENT`: the path does not exist.
    public static let noSuchFile = Code.noSuchFile
    /// The environment is already open in this process and sharing was not allowed.
    public static let alreadyOpen = Code.alreadyOpen
    /// The environment was closed.
    public static let closed = Code.closed
    /// `MDB_READERS_FULL`: every reader slot is in use.
    public static let readersFull = Code.readersFull
    /// `MDB_BAD_VALSIZE`: a key or duplicate value is empty or longer than 511 bytes.
    public static let badValueSize = Code.badValueSize
}

extension LMDBError.Code {
    /// Matches an error against a code, so callers can write `catch LMDBError.mapFull`.
    public static func ~= (pattern: LMDBError.Code, value: any Error) -> Bool {
        (value as? LMDBError)?.code == pattern
    }
}

/// Throws an ``LMDBError`` unless `rc` is `MDB_SUCCESS`. Every LMDB return code goes through here.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if rc != MDB_SUCCESS {
        throw LMDBError(returnCode: rc, operation: operation())
    }
}
