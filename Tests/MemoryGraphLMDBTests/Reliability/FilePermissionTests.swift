import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// The files a store, a backup and a restore create are private by default, and restore never
/// writes through a symbolic link.
@Suite("File permissions and links")
struct FilePermissionTests {
    /// A directory for this test's files, removed afterwards.
    private final class Workspace {
        let directory = NSTemporaryDirectory() + "memory-graph-files-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
        func path(_ name: String) -> String { directory + "/" + name }
    }

    private static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
    }

    private static func dump(_ graph: MemoryGraph, to file: String) throws {
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: file))
        defer { try? handle.close() }
        _ = try graph.dump { handle.write(Data($0.utf8)) }
    }

    @Test("store, backup and restored store: files 0600 and directories 0700 unless configured")
    func defaultModes() throws {
        let space = try Workspace()
        let graph = try MemoryGraph(path: space.path("store"), configuration: .testing)
        defer { graph.close() }
        try graph.addNode(agentID: "a", taskContext: "c", result: ["secret": "payload"])
        try graph.backup(to: space.path("backup"))
        try Self.dump(graph, to: space.path("dump.jsonl"))
        try MemoryGraph.restore(dumpAt: space.path("dump.jsonl"), into: space.path("restored"))
        for store in ["store", "backup", "restored"] {
            #expect(try Self.mode(space.path(store)) == 0o700, "\(store)")
            #expect(try Self.mode(space.path(store + "/data.mdb")) == 0o600, "\(store)/data.mdb")
        }
        #expect(try Self.mode(space.path("store/lock.mdb")) == 0o600)
        #expect(try MemoryGraph(path: space.path("backup"), configuration: .testing).verify().isClean)
    }

    @Test("a configured fileMode reaches the store and its backups; modes without owner access are refused")
    func configuredMode() throws {
        let space = try Workspace()
        var configuration = GraphOptions.testing
        configuration.fileMode = 0o640
        let graph = try MemoryGraph(path: space.path("store"), configuration: configuration)
        defer { graph.close() }
        try graph.backup(to: space.path("backup"))
        #expect(try Self.mode(space.path("store")) == 0o750)
        #expect(try Self.mode(space.path("store/data.mdb")) == 0o640)
        #expect(try Self.mode(space.path("backup/data.mdb")) == 0o640)
        for invalid: UInt32 in [0o400, 0o4600, 0o060] {
            configuration.fileMode = invalid
            expectError(.invalidConfiguration) {
                try MemoryGraph(path: space.path("other"), configuration: configuration)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: space.path("other")))
    }

    @Test("a backup refuses a data.mdb that is already there, link or not, and leaves it alone")
    func backupIntoLink() throws {
        let space = try Workspace()
        let graph = try MemoryGraph(path: space.path("store"), configuration: .testing)
        defer { graph.close() }
        try graph.addNode(agentID: "a", taskContext: "c", result: [:])
        try FileManager.default.createDirectory(atPath: space.path("backup"), withIntermediateDirectories: true)
        try "keep".write(toFile: space.path("outside"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: space.path("backup/data.mdb"), withDestinationPath: space.path("outside"))
        #expect(throws: LMDBError.self) { try graph.environment.copy(to: space.path("backup")) }
        #expect(try String(contentsOfFile: space.path("outside"), encoding: .utf8) == "keep")
    }

    @Test("restore onto a symbolic link: refused without replacing; with it the link is replaced, its target untouched")
    func restoreOntoLink() throws {
        let space = try Workspace()
        let graph = try MemoryGraph(path: space.path("store"), configuration: .testing)
        try graph.addNode(agentID: "a", taskContext: "c", result: ["n": 1])
        try Self.dump(graph, to: space.path("dump.jsonl"))
        graph.close()
        try FileManager.default.createDirectory(atPath: space.path("elsewhere"), withIntermediateDirectories: true)
        try "keep".write(toFile: space.path("elsewhere/file"), atomically: true, encoding: .utf8)
        let links = ["to-directory": space.path("elsewhere"), "dangling": space.path("nowhere")]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: space.path(name), withDestinationPath: target)
            let error = expectError(.invalidArgument) {
                try MemoryGraph.restore(dumpAt: space.path("dump.jsonl"), into: space.path(name))
            }
            #expect(error?.message.contains("already exists") == true)
        }
        for (name, _) in links {
            try MemoryGraph.restore(dumpAt: space.path("dump.jsonl"), into: space.path(name), replacing: true)
            #expect(
                (try? FileManager.default.destinationOfSymbolicLink(atPath: space.path(name))) == nil,
                "\(name) is still a link")
            #expect(try MemoryGraph(path: space.path(name), configuration: .testing).statistics().nodes == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: space.path("elsewhere")) == ["file"])
        #expect(try String(contentsOfFile: space.path("elsewhere/file"), encoding: .utf8) == "keep")
        #expect(!FileManager.default.fileExists(atPath: space.path("nowhere")))
    }
}
