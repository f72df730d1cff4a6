/// A handle to a named database inside an ``Environment``.
///
/// Handles are opened once, at start-up, with ``Environment/openDatabase(_:flags:)`` or
/// ``Environment/openDatabases(_:)``, and stay valid until the environment closes.
public struct Database: Sendable, Hashable, CustomStringConvertible {
    /// The LMDB handle (`MDB_dbi`).
    let handle: UInt32
    /// The name, or `nil` for the unnamed main database.
    public let name: String?
    /// The flags the database was opened with.
    public let flags: DatabaseFlags

    /// The database's name, or `(main)`.
    public var description: String { name ?? "(main)" }
}

/// Flags of a ``Database`` (`mdb_dbi_open`).
public struct DatabaseFlags: OptionSet, Sendable, Hashable {
    /// The raw LMDB flags.
    public let rawValue: UInt32
    /// Creates flags from raw LMDB flags.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_DUPSORT`: a key may hold several sorted values (1…511 bytes each).
    public static let dupSort = DatabaseFlags(rawValue: 0x04)
    /// `MDB_DUPFIXED`: with ``dupSort``, every value has the same size (enables bulk reads).
    public static let dupFixed = DatabaseFlags(rawValue: 0x10)
    /// `MDB_INTEGERKEY`: keys are native unsigned integers compared numerically.
    public static let integerKey = DatabaseFlags(rawValue: 0x08)
    /// `MDB_CREATE`: create the database when it does not exist.
    public static let create = DatabaseFlags(rawValue: 0x40000)
}

/// Flags of ``Transaction/put(_:forKey:in:flags:)``.
public struct PutFlags: OptionSet, Sendable, Hashable {
    /// The raw LMDB flags.
    public let rawValue: UInt32
    /// Creates flags from raw LMDB flags.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_NOOVERWRITE`: do not replace an existing key; the put reports `false` instead.
    public static let noOverwrite = PutFlags(rawValue: 0x10)
    /// `MDB_NODUPDATA`: in a ``DatabaseFlags/dupSort`` database, do not add a duplicate that is
    /// already present; the put reports `false` instead.
    public static let noDuplicateData = PutFlags(rawValue: 0x20)
    /// `MDB_APPEND`: the key is greater than every key present (fast bulk loading); LMDB fails with
    /// ``LMDBError/Code/keyExists`` when it is not.
    public static let append = PutFlags(rawValue: 0x20000)
    /// `MDB_APPENDDUP`: as ``append``, for duplicate values.
    public static let appendDuplicate = PutFlags(rawValue: 0x40000)
}
