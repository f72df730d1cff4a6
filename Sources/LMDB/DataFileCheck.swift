internal import CLMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks of `data.mdb` that LMDB itself does not make, so a damaged file gives an error instead
/// of a new empty environment or a `SIGBUS` when a page past the end of the file is touched.
enum DataFileCheck {
    /// The size of `path/data.mdb`, or `nil` when there is none.
    private static func dataFileSize(_ path: String) -> Int? {
        var status = stat()
        guard stat(path + "/data.mdb", &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// Refuses a zero-length `data.mdb` that no process is creating: LMDB would silently make it
    /// a new, empty environment, hiding a truncation. A file another process is initializing
    /// right now (it holds LMDB's exclusive lock on `lock.mdb`) is left to LMDB.
    static func beforeOpening(_ path: String) throws(LMDBError) {
        guard dataFileSize(path) == 0, !isBeingCreated(path) else { return }
        throw LMDBError(
            code: .invalid,
            message: "\(path)/data.mdb is empty (0 bytes): the file was truncated or never finished being "
                + "created. Restore it from a backup, or delete the directory to start a new store",
            operation: "Environment.open")
    }

    /// Whether some process holds a lock on byte 0 of `lock.mdb`, as LMDB does while an
    /// environment is open or being created.
    private static func isBeingCreated(_ path: String) -> Bool {
        let descriptor = open(path + "/lock.mdb", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 1
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return true }
        return lock.l_type != Int16(F_UNLCK)
    }

    /// Refuses a `data.mdb` shorter than the pages its newest meta page says are in use.
    static func afterOpening(_ environment: OpaquePointer, path: String) throws(LMDBError) {
        let needed = try EnvironmentInfo(environment).usedBytes
        guard let size = dataFileSize(path), size < needed else { return }
        throw LMDBError(
            code: .corrupted,
            message: "\(path)/data.mdb is truncated: it has \(size) bytes, but its pages reach byte \(needed). "
                + "Restore the store from a backup",
            operation: "Environment.open")
    }
}
