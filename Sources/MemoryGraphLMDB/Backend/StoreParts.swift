import Foundation
import LMDB
import MemoryGraphCore

/// What the reads and the ``Writer`` of one ``LMDBStore`` share: the environment and its
/// databases, the interner, the node cache, the commit metrics, and how LMDB's errors become
/// ``MemoryGraphError``s.
struct StoreParts: Sendable {
    let path: String
    let environment: Environment
    let schema: Schema
    let interner: Interner
    /// Decoded nodes, when ``MemoryGraph/Configuration/enableCaching`` is on.
    let cache: NodeCache?
    /// The swift-metrics instruments, when ``MemoryGraph/Configuration/enableMetrics`` is on.
    let metrics: StoreMetrics?
    /// The map and reader gauges, with metrics on.
    let gauges: LMDBGauges?
    /// The map's maximum size, named in the error of a write that does not fit.
    let maximumMapSize: Int
    /// How much of the change log this process's writes keep.
    let retention: MemoryGraph.ChangeRetention
    /// Signalled after each commit of this process that appended to the change log.
    let commits: CommitSignal
    /// The clock that decides which nodes have expired.
    let clock: @Sendable () -> Date
    /// Spares reads a look at `idx.expiry` while no node is due.
    let expiryHint = ExpiryHint()

    /// The clock's time to the microsecond.
    var now: Microseconds { Microseconds(nearest: clock()) }

    /// Runs `body`, turning what LMDB and the record decoders throw into ``MemoryGraphError``s.
    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw translate(error)
        }
    }

    /// `error` as a ``MemoryGraphError`` that says what went wrong and what to do.
    func translate(_ error: any Error) -> MemoryGraphError {
        switch error {
        case let error as MemoryGraphError: return error
        case let error as LMDBError: return translate(error)
        case let error as RecordCorruption:
            return MemoryGraphError(.corruption, "stored bytes are damaged: \(error)", underlyingError: error)
        default:
            return MemoryGraphError(.storage, "the storage engine failed: \(error)", underlyingError: error)
        }
    }

    /// Whether the file system holding the store has less than 1 MiB left.
    private var diskIsFull: Bool {
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes?[.systemFreeSize] as? NSNumber).map { $0.int64Value < 1 << 20 } ?? false
    }

    private func translate(_ error: LMDBError) -> MemoryGraphError {
        switch error.code {
        case .mapFull:
            return MemoryGraphError(
                .storageFull,
                "the store reached its maximum size (LMDBConfiguration.maximumMapSize = \(maximumMapSize) "
                    + "bytes); nothing of this write was stored. Raise the maximum or remove data",
                underlyingError: error)
        // LMDB reports a write that the disk cut short as EIO, not ENOSPC.
        case .noSpace,
            .ioError where diskIsFull:
            return MemoryGraphError(
                .storageFull, "the disk holding \(path) is full; nothing of this write was stored",
                underlyingError: error)
        case .closed:
            return MemoryGraphError(.closed, "the graph at \(path) was closed; open it again", underlyingError: error)
        case .corrupted, .pageNotFound, .panic:
            return MemoryGraphError(
                .corruption, "the store at \(path) is damaged; restore it from a backup", underlyingError: error)
        default:
            return MemoryGraphError(.storage, "the storage engine failed: \(error.message)", underlyingError: error)
        }
    }
}
