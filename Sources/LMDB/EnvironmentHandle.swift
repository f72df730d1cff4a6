internal import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `MDB_env*` of one environment.
///
/// `@unchecked Sendable`: LMDB documents the environment handle as usable from any thread; the
/// calls that are not (set_mapsize, close) are serialized by ``TransactionGate``.
struct EnvironmentHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Creates, configures and opens the environment, then frees the reader slots of dead
    /// processes; closes the handle again when a step fails.
    ///
    /// - Returns: The handle, and how many stale reader slots were freed.
    static func open(
        path: String, options: Environment.Options
    ) throws(LMDBError) -> (handle: EnvironmentHandle, staleReadersFreed: Int) {
        var created: OpaquePointer?
        try check(mdb_env_create(&created), "mdb_env_create")
        guard let pointer = created else {
            throw LMDBError(code: .outOfMemory, message: "no environment returned", operation: "mdb_env_create")
        }
        do throws(LMDBError) {
            try check(mdb_env_set_mapsize(pointer, options.mapSize), "mdb_env_set_mapsize")
            try check(mdb_env_set_maxdbs(pointer, UInt32(options.maximumDatabases)), "mdb_env_set_maxdbs")
            try check(
                mdb_env_set_maxreaders(pointer, UInt32(options.maximumReaders)), "mdb_env_set_maxreaders")
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            switch options.durability {
            case .full: break
            case .noMetaSync: flags |= UInt32(MDB_NOMETASYNC)
            case .noSync: flags |= UInt32(MDB_NOSYNC)
            }
            try DataFileCheck.beforeOpening(path)
            let rc = mdb_env_open(pointer, path, flags, mdb_mode_t(options.fileMode))
            if rc != MDB_SUCCESS {
                throw LMDBError(returnCode: rc, operation: "Environment.open", detail: explain(rc, path: path))
            }
            try DataFileCheck.afterOpening(pointer, path: path)
            var dead: Int32 = 0
            try check(mdb_reader_check(pointer, &dead), "mdb_reader_check")
            var fd: Int32 = -1
            if mdb_env_get_fd(pointer, &fd) == MDB_SUCCESS && fd >= 0 {
                _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
            }
            return (EnvironmentHandle(pointer: pointer), Int(dead))
        } catch {
            mdb_env_close(pointer)
            throw error
        }
    }

    private static func explain(_ rc: Int32, path: String) -> String {
        switch rc {
        case ENOENT: return "\(path) does not exist (a read-only open never creates it)"
        case ENOTDIR: return "\(path) is not a directory; pass the directory that holds data.mdb"
        case EACCES, EPERM: return "no permission to open \(path) or the files in it"
        case MDB_INVALID: return "\(path)/data.mdb is not an LMDB data file"
        case MDB_VERSION_MISMATCH: return "\(path) was written by an incompatible LMDB version"
        case EAGAIN: return "\(path) is locked by another process"
        default: return "cannot open \(path)"
        }
    }
}

/// An `MDB_txn*` kept in the read-transaction pool.
///
/// `@unchecked Sendable`: with `MDB_NOTLS` a read transaction is not tied to a thread; the pool
/// hands each handle to one user at a time.
struct TransactionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
