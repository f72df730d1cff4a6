import Foundation
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// A full map or a full disk fails the write that does not fit with `storageFull`, keeps every
/// committed write, keeps serving reads, and writes resume once there is room again.
@Suite("Storage limits")
struct StorageLimitTests {
    private static let large: JSONValue = ["blob": .string(String(repeating: "x", count: 100_000)), "type": "bulk"]

    private static func draft(_ index: Int) -> NodeDraft {
        NodeDraft(agentID: "writer", taskContext: "fill", result: large, metadata: ["n": .int(index)])
    }

    /// Adds large nodes until one fails; returns the ids stored and the failure.
    private static func fill(_ graph: MemoryGraph) throws -> (ids: [NodeID], failure: MemoryGraphError?) {
        var ids: [NodeID] = []
        while ids.count < 1_000 {
            do {
                ids.append(try graph.addNode(agentID: "writer", taskContext: "fill", result: large))
            } catch let error as MemoryGraphError {
                return (ids, error)
            }
        }
        return (ids, nil)
    }

    /// Every kind of large write fails with `storageFull` and leaves the store byte for byte as it was.
    private static func expectWritesRefused(_ graph: MemoryGraph, stored ids: [NodeID]) async throws {
        let before = try graph.rawContents()
        expectSynchronousWritesRefused(graph, stored: ids)
        do {
            _ = try await graph.addNode(agentID: "writer", taskContext: "fill", result: large)
            Issue.record("an asynchronous write past the limit succeeded")
        } catch let error as MemoryGraphError {
            #expect(error.code == .storageFull)
        }
        #expect(try graph.rawContents() == before, "a refused write left something behind")
        try expectReads(graph, count: ids.count)
    }

    private static func expectSynchronousWritesRefused(_ graph: MemoryGraph, stored ids: [NodeID]) {
        expectError(.storageFull) { try graph.addNodes((0..<3).map(draft)) }
        expectError(.storageFull) {
            try graph.addNode(agentID: "writer", taskContext: "fill", result: large, links: [ids[0]])
        }
    }

    /// The store recalls `count` intact nodes and verifies clean.
    private static func expectReads(_ graph: MemoryGraph, count: Int) throws {
        let recalled = try graph.recall(agentID: "writer", taskContext: "fill")
        #expect(recalled.count == count)
        #expect(recalled.allSatisfy { $0.result == large })
        #expect(try graph.verify().isClean)
    }

    /// Adds five more large nodes; they must fit now.
    private static func addMore(_ graph: MemoryGraph) throws -> Int {
        try graph.addNodes((0..<5).map(draft)).count
    }

    @Test("the map at its maximum: storageFull, reads go on; reopened with a larger maximum, writes resume")
    func mapAtMaximum() async throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var configuration = GraphOptions.testing
        configuration.mapSize = 1 << 20
        configuration.maximumMapSize = 4 << 20
        var graph = try store.open(configuration)
        let (ids, failure) = try Self.fill(graph)
        #expect(failure?.code == .storageFull)
        #expect(failure?.message.contains("maximumMapSize") == true, "\(String(describing: failure))")
        #expect(ids.count > 10, "the map grew past its initial size first")
        try await Self.expectWritesRefused(graph, stored: ids)
        graph.close()

        configuration.maximumMapSize = 64 << 20
        graph = try store.open(configuration)
        defer { graph.close() }
        try Self.expectReads(graph, count: ids.count + Self.addMore(graph))
    }

    @Test(
        "the disk full: storageFull, reads go on; with space freed, writes resume",
        .enabled(if: SmallDisk.isAvailable, "needs root to mount a small tmpfs"))
    func diskFull() async throws {
        let disk = try SmallDisk(megabytes: 6)
        defer { disk.unmount() }
        let filler = disk.path + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: 1 << 20)))
        var configuration = GraphOptions()
        configuration.mapSize = 64 << 20
        configuration.maximumMapSize = 64 << 20
        let path = disk.path + "/store"
        var graph = try MemoryGraph(path: path, configuration: configuration)
        let (ids, failure) = try Self.fill(graph)
        #expect(failure?.code == .storageFull)
        #expect(failure?.message.contains("disk") == true, "\(String(describing: failure))")
        #expect(ids.count > 5)
        try await Self.expectWritesRefused(graph, stored: ids)

        try FileManager.default.removeItem(atPath: filler)
        let more = try Self.addMore(graph)
        graph.close()
        graph = try MemoryGraph(path: path, configuration: configuration)
        defer { graph.close() }
        try Self.expectReads(graph, count: ids.count + more)
    }
}

/// A small `tmpfs` mounted for one test, so the disk can fill up. Needs root.
struct SmallDisk {
    let path: String

    /// Whether this process can mount one (it runs as root and `mount` works here).
    static let isAvailable: Bool = {
        guard geteuid() == 0, let disk = try? SmallDisk(megabytes: 1) else { return false }
        disk.unmount()
        return true
    }()

    init(megabytes: Int) throws {
        path = NSTemporaryDirectory() + "memory-graph-small-disk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path]) else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    func unmount() {
        _ = Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func run(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
