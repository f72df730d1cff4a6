import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Opening files that are not a healthy store gives a typed error and leaves the files as they were.
@Suite("Hostile files")
struct HostileFileTests {
    private static func dataFile(_ store: TemporaryStore) -> String { store.path + "/data.mdb" }

    private static func fileBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// A store with enough nodes that its data file spans many pages.
    private static func populatedStore() throws -> TemporaryStore {
        let store = TemporaryStore()
        let graph = try store.open()
        defer { graph.close() }
        let payload: JSONValue = ["text": .string(String(repeating: "m", count: 2_000)), "type": "fact"]
        _ = try graph.addNodes(
            (0..<300).map { NodeDraft(agentID: "agent-\($0 % 7)", taskContext: "task-\($0 % 5)", result: payload) })
        return store
    }

    @Test("a truncated data file is reported as damaged, before any page beyond its end is touched")
    func truncated() throws {
        let store = try Self.populatedStore()
        defer { store.remove() }
        let size = try #require(Self.fileBytes(Self.dataFile(store))).count
        #expect(truncate(Self.dataFile(store), off_t(size / 2)) == 0)
        let error = expectError(.corruption) { try store.open() }
        #expect(error?.message.contains("truncated") == true, "\(String(describing: error))")
        #expect(Self.fileBytes(Self.dataFile(store))?.count == size / 2, "the open changed the file")
    }

    @Test("a data file of random bytes is not an LMDB store", arguments: [4_096, 65_536])
    func randomBytes(count: Int) throws {
        let store = TemporaryStore()
        defer { store.remove() }
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try garbage.write(to: URL(fileURLWithPath: Self.dataFile(store)))
        let error = expectError(.corruption) { try store.open() }
        #expect(error?.message.contains("not an LMDB") == true, "\(String(describing: error))")
        #expect(Self.fileBytes(Self.dataFile(store)) == garbage, "the open changed the file")
    }

    @Test("a zero-length data file is refused, not silently made into an empty store")
    func zeroLength() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: Self.dataFile(store), contents: Data()))
        for readOnly in [false, true] {
            var configuration = GraphOptions.testing
            configuration.readOnly = readOnly
            let error = expectError(.corruption) { try store.open(configuration) }
            #expect(error?.message.contains("empty") == true, "\(String(describing: error))")
        }
        #expect(Self.fileBytes(Self.dataFile(store))?.isEmpty == true, "the open wrote to the file")
    }

    @Test("a plain LMDB environment without MemoryGraph's databases is not taken for a store")
    func foreignEnvironment() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        let environment = try Environment.open(path: store.path)
        let other = try environment.openDatabase("something-else", flags: .create)
        try environment.write { txn in try txn.put([1], forKey: [1], in: other) }
        environment.close()
        var configuration = GraphOptions.testing
        configuration.readOnly = true
        expectError(.incompatibleSchema) { try store.open(configuration) }
    }
}
