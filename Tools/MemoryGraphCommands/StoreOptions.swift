import ArgumentParser
import MemoryGraph

/// The store a command works on.
struct StoreOptions: ParsableArguments {
    @Argument(help: "The store's directory.")
    var path: String

    /// Opens the store read-only (it may be in use by writers) or for writing.
    func open(writable: Bool = false) throws -> MemoryGraph {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.readOnly = !writable
        return try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
    }
}
