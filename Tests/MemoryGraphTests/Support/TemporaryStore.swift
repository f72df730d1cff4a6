import Foundation
import LMDB
import Testing

@testable import MemoryGraph

/// A directory for one test's store, removed by ``remove()``.
struct TemporaryStore {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "memory-graph-tests-" + UUID().uuidString
    }

    func open(_ configuration: MemoryGraph.Configuration = .testing) throws -> MemoryGraph {
        try MemoryGraph(path: path, configuration: configuration)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension MemoryGraph.Configuration {
    /// Defaults with commits not synced, so tests run fast.
    static var testing: MemoryGraph.Configuration {
        var configuration = MemoryGraph.Configuration()
        configuration.durability = .noSync
        return configuration
    }
}

extension MemoryGraph {
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
