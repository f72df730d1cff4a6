/// How an ``Environment`` is opened.
///
/// ```swift
/// var options = Environment.Options()
/// options.mapSize = 1 << 30
/// options.durability = .noMetaSync
/// let environment = try Environment.open(path: "/var/lib/app/store", options: options)
/// ```
extension Environment {
    /// What a commit waits for before it returns.
    public enum Durability: String, Sendable, Hashable, Codable, CaseIterable {
        /// Two `fsync`s per commit: a committed transaction survives a system crash (LMDB's default).
        case full
        /// `MDB_NOMETASYNC`: the meta page is not synced; a system crash may undo the last commit,
        /// never corrupt the file.
        case noMetaSync
        /// `MDB_NOSYNC`: nothing is synced; the kernel writes pages back in its own order. A process
        /// crash loses nothing. A system crash may undo recent commits, and unless the file system
        /// keeps writes in order it may leave the file damaged: use it only for data that can be
        /// rebuilt.
        case noSync
    }

    /// What happens when a path that is already open in this process is opened again.
    ///
    /// LMDB must not open the same environment twice in one process (its locks would break),
    /// so a process-wide registry keyed by device and inode decides.
    public enum SharingPolicy: Sendable, Hashable {
        /// Return the instance that is already open (the options of the first open win).
        case shareExisting
        /// Fail with ``LMDBError/Code/alreadyOpen``.
        case refuse
    }

    /// Options for ``Environment/open(path:options:)``.
    public struct Options: Sendable, Hashable {
        /// The initial size of the memory map in bytes. The map is address space, not memory;
        /// the file grows only as it is used. Default: 1 GiB.
        public var mapSize: Int = 1 << 30
        /// The size the map may grow to when a write needs more room. Writes beyond it fail with
        /// ``LMDBError/Code/mapFull``. Default: 1 TiB.
        public var maximumMapSize: Int = 1 << 40
        /// The maximum number of named databases. Default: 32.
        public var maximumDatabases: Int = 32
        /// The number of reader slots, shared by every process using the environment. Only an
        /// open while no other process has the environment open sizes the table (in `lock.mdb`),
        /// and it never shrinks: ``EnvironmentInfo/maximumReaders`` is the size in effect.
        /// Default: 510.
        public var maximumReaders: Int = 510
        /// Opens the environment read-only (`MDB_RDONLY`); writes fail.
        public var readOnly: Bool = false
        /// What a commit waits for. Default: ``Durability/full``.
        public var durability: Durability = .full
        /// Permissions of the files LMDB creates. Default: `0o600`.
        public var fileMode: UInt32 = 0o600
        /// Creates the directory (with ``directoryMode`` permissions) when it does not exist and the
        /// environment is not read-only. Default: `true`.
        public var createDirectory: Bool = true
        /// What a second open of the same environment in this process does. Default:
        /// ``SharingPolicy/refuse``.
        public var sharing: SharingPolicy = .refuse

        /// Permissions of the directories LMDB's files go into when this wrapper creates them:
        /// ``fileMode`` plus search permission wherever it grants read (`0o600` gives `0o700`).
        public var directoryMode: UInt32 { fileMode | ((fileMode & 0o444) >> 2) }

        /// Options with every default.
        public init() {}
    }
}
