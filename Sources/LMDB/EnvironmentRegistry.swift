import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The device and inode of an environment's directory: the identity of an environment in this
/// process, whatever path spelled it.
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init(path: String) throws(LMDBError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw LMDBError(
                returnCode: code, operation: "Environment.open",
                detail: code == ENOENT ? "\(path) does not exist" : "cannot stat \(path)")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The process-wide table of open environments (LMDB must not open one file twice in a process).
final class EnvironmentRegistry: Sendable {
    static let shared = EnvironmentRegistry()

    /// A weak reference in its own heap box (weak references are not kept inline in the table).
    private final class Entry: Sendable {
        weak let environment: Environment?
        let id: ObjectIdentifier

        init(_ environment: Environment) {
            self.environment = environment
            self.id = ObjectIdentifier(environment)
        }
    }

    private let entries = NIOLockedValueBox<[FileIdentity: Entry]>([:])

    /// Returns the environment open at `path`, or opens it with `make` — under the table's lock,
    /// so an open and a close of the same directory never overlap.
    func open(
        path: String, options: Environment.Options,
        make: (FileIdentity) throws(LMDBError) -> Environment
    ) throws(LMDBError) -> Environment {
        let identity = try FileIdentity(path: path)
        while true {
            // The entry found is returned and released only after the lock: were it the last
            // reference, its deinit would close the environment, which takes the lock.
            let (outcome, _): (Result<Environment, LMDBError>?, Environment?) = entries.withLockedValue { table in
                if let entry = table[identity] {
                    guard let existing = entry.environment else { return (nil, nil) }  // closing: wait
                    guard options.sharing == .shareExisting else {
                        return (
                            .failure(
                                LMDBError(
                                    code: .alreadyOpen,
                                    message:
                                        "\(path) is already open in this process; reuse that instance "
                                        + "or open with sharing: .shareExisting",
                                    operation: "Environment.open")), existing
                        )
                    }
                    guard !(existing.options.readOnly && !options.readOnly) else {
                        return (
                            .failure(
                                LMDBError(
                                    code: .alreadyOpen,
                                    message: "\(path) is already open read-only in this process; close it first",
                                    operation: "Environment.open")), existing
                        )
                    }
                    return (.success(existing), nil)
                }
                do throws(LMDBError) {
                    let environment = try make(identity)
                    table[identity] = Entry(environment)
                    return (.success(environment), nil)
                } catch {
                    return (.failure(error), nil)
                }
            }
            if let outcome { return try outcome.get() }
            usleep(100)
        }
    }

    /// Runs `close` and forgets the entry, if it still belongs to the environment `id`.
    func remove(_ identity: FileIdentity, ifIdentical id: ObjectIdentifier, close: () -> Void) {
        entries.withLockedValue { table in
            close()
            if table[identity]?.id == id {
                table[identity] = nil
            }
        }
    }
}
