import Foundation
import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Restoring into a new LMDB store at a path: built beside it, moved into place whole, nothing
/// left behind on failure. Dump → restore → dump on any backend, and from one backend to another,
/// is the conformance suite's (`DumpConformance`).
@Suite("Dump and restore")
struct DumpRestoreTests {
    /// A directory for this test's files, removed afterwards.
    private final class Workspace {
        let directory = NSTemporaryDirectory() + "memory-graph-dump-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
        func path(_ name: String) -> String { directory + "/" + name }
        var leftovers: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
                $0.contains(".restoring-")
            }
        }
    }

    private static func populatedStore(at path: String, seed: UInt64) throws -> QueryDataSet {
        let graph = try MemoryGraph(path: path, configuration: .testing)
        defer { graph.close() }
        var generator = SplitMix64(seed: seed)
        let data = try QueryDataSet(graph: graph, count: 1_500, generator: &generator)
        let ids = data.ids.sorted()
        for index in 0..<40 {
            try graph.createBundle(
                taskID: "task-\(index % 7)", agentIDs: ["agent-\(index % 3)"], contexts: ["context-\(index % 5)"],
                nodeIDs: Array(ids[(index * 13)..<(index * 13 + index % 9)]), metadata: ["round": .int(index)])
        }
        return data
    }

    private static func dump(_ path: String, to file: String) throws -> DumpSummary {
        let graph = try MemoryGraph(path: path, configuration: .testing)
        defer { graph.close() }
        #expect(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: file))
        defer { try? handle.close() }
        return try graph.dump { handle.write(Data($0.utf8)) }
    }

    @Test("dump, restore, dump gives the same bytes, and the restored store answers the same")
    func roundTrip() throws {
        let space = try Workspace()
        let data = try Self.populatedStore(at: space.path("original"), seed: 51)
        let first = try Self.dump(space.path("original"), to: space.path("first.jsonl"))
        var reports: [DumpProgress] = []
        let restored = try MemoryGraph.restore(
            dumpAt: space.path("first.jsonl"), into: space.path("copy"), progress: { reports.append($0) })
        #expect(restored == first)
        #expect(
            reports.last
                == DumpProgress(recordsDone: first.nodes + first.bundles, recordsTotal: first.nodes + first.bundles))
        let second = try Self.dump(space.path("copy"), to: space.path("second.jsonl"))
        #expect(second == first)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: space.path("first.jsonl")))
                == Data(contentsOf: URL(fileURLWithPath: space.path("second.jsonl"))))
        #expect(first.nodes == data.ids.count && first.bundles == 40)

        let original = try MemoryGraph(path: space.path("original"), configuration: .testing)
        defer { original.close() }
        let copy = try MemoryGraph(path: space.path("copy"), configuration: .testing)
        defer { copy.close() }
        #expect(try original.statistics() == copy.statistics())
        var generator = SplitMix64(seed: 52)
        for _ in 0..<50 {
            var query = data.randomQuery(using: &generator)
            query.limit = 1_000
            #expect(try original.queryIDs(query) == copy.queryIDs(query))
        }
        #expect(try original.bundles(forTask: "task-3") == copy.bundles(forTask: "task-3"))
        #expect(space.leftovers.isEmpty)
    }

    /// The lines of a valid dump, edited by `edit`, with the trailer's checksum recomputed when
    /// `fixChecksum` is set.
    private static func edited(
        _ file: String, fixChecksum: Bool, _ edit: (inout [String]) throws -> Void
    ) throws -> String {
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        try edit(&lines)
        if fixChecksum, let last = lines.last, var trailer = try JSONValue(jsonString: last).objectValue {
            var checksum = FNV1a()
            for line in lines.dropLast() { checksum.update((line + "\n").utf8) }
            trailer["checksum"] = .string(DumpFormat.checksumPrefix + checksum.hex)
            lines[lines.count - 1] = try JSONValue.object(trailer).jsonString()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func replacing(_ line: String, _ field: String, with value: JSONValue?) throws -> String {
        guard var object = try JSONValue(jsonString: line).objectValue else { return line }
        object[field] = value
        return try JSONValue.object(object).jsonString()
    }

    @Test("each kind of malformed dump fails with its line number and leaves nothing behind")
    func malformedDumps() throws {
        let space = try Workspace()
        _ = try Self.populatedStore(at: space.path("original"), seed: 53)
        let good = space.path("good.jsonl")
        _ = try Self.dump(space.path("original"), to: good)
        let cases: [(name: String, expectedLine: Int?, text: String)] = [
            ("bad JSON", 3, try Self.edited(good, fixChecksum: true) { $0[2] = "{not json" }),
            (
                "missing field", 4,
                try Self.edited(good, fixChecksum: true) { $0[3] = try Self.replacing($0[3], "agent_id", with: nil) }
            ),
            (
                "wrong version", 1,
                try Self.edited(good, fixChecksum: true) {
                    $0[0] = try Self.replacing($0[0], "format_version", with: 99)
                }
            ),
            (
                "checksum mismatch", nil,
                try Self.edited(good, fixChecksum: false) {
                    $0[5] = try Self.replacing($0[5], "agent_id", with: "tampered")
                }
            ),
            (
                "link to a node not in the dump", 7,
                try Self.edited(good, fixChecksum: true) {
                    $0[6] = try Self.replacing($0[6], "links", with: [.string(NodeID().description)])
                }
            ),
            ("truncated", nil, try Self.edited(good, fixChecksum: false) { $0.removeLast(3) }),
            ("cut mid-line", nil, String(try String(contentsOfFile: good, encoding: .utf8).dropLast(40))),
            (
                "invalid agent id", 9,
                try Self.edited(good, fixChecksum: true) { $0[8] = try Self.replacing($0[8], "agent_id", with: "") }
            ),
        ]
        for (name, expectedLine, text) in cases {
            let file = space.path("bad.jsonl")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let target = space.path("target")
            let error = #expect(throws: MemoryGraphError.self, "\(name)") {
                try MemoryGraph.restore(dumpAt: file, into: target)
            }
            #expect(error?.code == .invalidDump, "\(name): \(String(describing: error))")
            if let expectedLine {
                #expect(error?.message.hasPrefix("line \(expectedLine):") == true, "\(name): \(error?.message ?? "")")
            } else {
                #expect(error?.message.hasPrefix("line ") == true, "\(name): \(error?.message ?? "")")
            }
            #expect(!FileManager.default.fileExists(atPath: target), "\(name) left a target behind")
            #expect(space.leftovers.isEmpty, "\(name) left a partial store behind")
        }
    }

    @Test("an existing target is refused unless replacing, and replaced whole")
    func existingTarget() throws {
        let space = try Workspace()
        _ = try Self.populatedStore(at: space.path("original"), seed: 54)
        let file = space.path("dump.jsonl")
        let summary = try Self.dump(space.path("original"), to: file)
        let other = try MemoryGraph(path: space.path("target"), configuration: .testing)
        let kept = try other.addNode(agentID: "kept", taskContext: "c", result: [:])
        other.close()
        expectError(.invalidArgument) { try MemoryGraph.restore(dumpAt: file, into: space.path("target")) }
        var graph = try MemoryGraph(path: space.path("target"), configuration: .testing)
        #expect(try graph.node(kept) != nil, "a refused restore leaves the target as it was")
        graph.close()
        try MemoryGraph.restore(dumpAt: file, into: space.path("target"), replacing: true)
        graph = try MemoryGraph(path: space.path("target"), configuration: .testing)
        defer { graph.close() }
        #expect(try graph.node(kept) == nil)
        #expect(try graph.statistics().nodes == summary.nodes)
    }
}
