import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// A directory for one test's store, removed by ``remove()``.
struct TemporaryStore {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "memory-graph-tests-" + UUID().uuidString
    }

    func open(_ options: GraphOptions = .testing) throws -> MemoryGraph {
        try MemoryGraph(path: path, configuration: options)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension LMDBConfiguration {
    /// Defaults with commits not synced, so tests run fast.
    static var testing: LMDBConfiguration {
        var configuration = LMDBConfiguration()
        configuration.durability = .noSync
        return configuration
    }

    /// The testing defaults with writes grouped as `strategy` says.
    static func testing(_ strategy: IndexUpdateStrategy) -> LMDBConfiguration {
        var configuration = LMDBConfiguration.testing
        configuration.indexUpdateStrategy = strategy
        return configuration
    }
}

extension MemoryGraph {
    /// The LMDB backend's parts, for tests that look at the stored bytes.
    var backend: LMDBStore {
        guard let store = lmdbStore else { preconditionFailure("the test opened a graph without an LMDB store") }
        return store
    }
    var environment: Environment { backend.environment }
    var schema: Schema { backend.schema }
    var interner: Interner { backend.interner }

    /// Every entry of every named database, for "nothing changed" checks.
    func rawContents() throws -> [String: [[UInt8]]] {
        try environment.read { txn in
            var contents: [String: [[UInt8]]] = [:]
            for database in schema.all {
                var entries: [[UInt8]] = []
                try txn.scan(database) { key, value in
                    entries.append(Array(key) + [0xFF, 0xFE] + Array(value))
                    return true
                }
                contents[database.name ?? ""] = entries
            }
            return contents
        }
    }
}

/// Expects `body` to throw a ``MemoryGraphError`` with `code` and returns it.
@discardableResult
func expectError<R>(
    _ code: MemoryGraphError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R
) -> MemoryGraphError? {
    let error = #expect(throws: MemoryGraphError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "got \(String(describing: error))", sourceLocation: sourceLocation)
    return error
}

/// Both halves of a graph's options — the core ``MemoryGraph/Configuration`` and the
/// ``LMDBConfiguration`` — as one value, so a test sets either kind of field on one variable.
@dynamicMemberLookup
struct GraphOptions {
    var core = MemoryGraph.Configuration()
    var lmdb = LMDBConfiguration.testing

    /// The testing defaults: commits not synced.
    static var testing: GraphOptions { GraphOptions() }

    subscript<Value>(dynamicMember field: WritableKeyPath<MemoryGraph.Configuration, Value>) -> Value {
        get { core[keyPath: field] }
        set { core[keyPath: field] = newValue }
    }

    subscript<Value>(dynamicMember field: WritableKeyPath<LMDBConfiguration, Value>) -> Value {
        get { lmdb[keyPath: field] }
        set { lmdb[keyPath: field] = newValue }
    }
}

extension MemoryGraph {
    /// Opens the LMDB store at `path` with both halves of `options`.
    convenience init(path: String, configuration options: GraphOptions) throws {
        try self.init(path: path, configuration: options.core, lmdb: options.lmdb)
    }

    /// Opens the LMDB store named by `options`' storage path.
    convenience init(configuration options: GraphOptions) throws {
        try self.init(configuration: options.core, lmdb: options.lmdb)
    }

    /// A temporary LMDB store with both halves of `options`.
    static func ephemeral(configuration options: GraphOptions) throws -> MemoryGraph {
        try ephemeral(configuration: options.core, lmdb: options.lmdb)
    }

    /// Restores into a new LMDB store with both halves of `options`.
    @discardableResult
    static func restore(
        dumpAt file: String, into path: String, replacing: Bool = false, configuration options: GraphOptions,
        progress: ((DumpProgress) -> Void)? = nil
    ) throws -> DumpSummary {
        try restore(
            dumpAt: file, into: path, replacing: replacing, configuration: options.core, lmdb: options.lmdb,
            progress: progress)
    }
}
