import Foundation
import MemoryGraphCore
import SeededRandom
import Testing

/// Dumps and ``MemoryGraph/restore(dumpAt:progress:)``: dump → restore → dump gives the same
/// bytes, within one backend and from one backend to another; a malformed dump is refused
/// naming its line and leaves the store empty; a dump taken while writers run shows one moment.
public enum DumpConformance {
    /// A random graph with bundles, written to a new store of `subject`.
    static func populated(_ subject: ConformanceSubject, seed: UInt64) async throws -> (
        ConformanceStore, RandomGraphData
    ) {
        let store = try await subject.makeStore()
        var random = SplitMix64(seed: seed)
        let data = try RandomGraphData(count: 400, using: &random)
        try await data.write(to: store.graph)
        let ids = data.ids.sorted()
        for (index, id) in ids.enumerated() where index % 3 == 0 {
            let embedding = (0..<8).map { _ in Float(Double.random(in: -1...1, using: &random)) }
            try await store.graph.updateNode(id, embedding: .set(embedding))
        }
        for index in 0..<30 {
            try await store.graph.createBundle(
                taskID: "task-\(index % 7)", agentIDs: ["agent-\(index % 3)"], contexts: ["context-\(index % 5)"],
                nodeIDs: Array(ids[(index * 11)..<(index * 11 + index % 9)]), metadata: ["round": .int(index)])
        }
        return (store, data)
    }

    /// Dumps `subject`'s store, restores the dump into a new store of the same backend, and
    /// dumps that: the same lines, the same summary, the same answers.
    ///
    /// - Throws: When a store cannot be opened, dumped or restored.
    public static func roundTrip(on subject: ConformanceSubject) async throws {
        let space = try Workspace()
        let (original, data) = try await populated(subject, seed: 51)
        defer { original.close() }
        let first = try await original.graph.dumpLines()
        let file = try space.write(first, to: "first.jsonl")
        let copy = try await subject.makeStore()
        defer { copy.close() }
        var reports: [DumpProgress] = []
        let summary = try await copy.graph.restore(dumpAt: file, progress: { reports.append($0) })
        let total = data.ids.count + 30
        #expect(summary.nodes == data.ids.count && summary.bundles == 30)
        #expect(reports.last?.recordsDone == total && reports.last?.recordsTotal == total, "\(reports.suffix(3))")
        #expect(try await copy.graph.dumpLines() == first)
        #expect(try await copy.graph.statistics() == original.graph.statistics())
        var random = SplitMix64(seed: 52)
        for _ in 0..<50 {
            var query = data.randomQuery(using: &random)
            query.limit = 1_000
            #expect(try await copy.graph.queryIDs(query) == original.graph.queryIDs(query), "\(query)")
        }
        #expect(try await copy.graph.bundles(forTask: "task-3") == original.graph.bundles(forTask: "task-3"))
        if copy.canReopen {
            try await copy.reopen()
            #expect(try await copy.graph.dumpLines() == first, "the restored store after reopening")
        }
    }

    /// Dumps a store of `source`, restores it into a store of `other`, dumps that and restores
    /// it into a new store of `source` again: every dump has the same lines.
    ///
    /// - Throws: When a store cannot be opened, dumped or restored.
    public static func acrossBackends(from source: ConformanceSubject, through other: ConformanceSubject) async throws {
        let space = try Workspace()
        let (original, _) = try await populated(source, seed: 55)
        defer { original.close() }
        let first = try await original.graph.dumpLines()
        let middle = try await other.makeStore()
        defer { middle.close() }
        try await middle.graph.restore(dumpAt: try space.write(first, to: "first.jsonl"))
        let second = try await middle.graph.dumpLines()
        #expect(second == first, "\(source) → \(other)")
        let back = try await source.makeStore()
        defer { back.close() }
        try await back.graph.restore(dumpAt: try space.write(second, to: "second.jsonl"))
        #expect(try await back.graph.dumpLines() == first, "\(source) → \(other) → \(source)")
    }

    /// The lines of `dump` edited by `edit`, with the trailer's checksum recomputed when
    /// `fixChecksum` is set.
    static func edited(_ dump: [String], fixChecksum: Bool, _ edit: (inout [String]) throws -> Void) throws -> [String]
    {
        var lines = dump
        try edit(&lines)
        if fixChecksum, let last = lines.last, var trailer = try JSONValue(jsonString: last).objectValue {
            // 64-bit FNV-1a over every line before the trailer, newlines included.
            var checksum: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in lines.dropLast().map({ $0 + "\n" }).joined().utf8 {
                checksum = (checksum ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            let digits = String(checksum, radix: 16)
            trailer["checksum"] = .string(
                DumpFormat.checksumPrefix + String(repeating: "0", count: 16 - digits.count) + digits)
            lines[lines.count - 1] = try JSONValue.object(trailer).jsonString()
        }
        return lines
    }

    static func replacing(_ line: String, _ field: String, with value: JSONValue?) throws -> String {
        guard var object = try JSONValue(jsonString: line).objectValue else { return line }
        object[field] = value
        return try JSONValue.object(object).jsonString()
    }

    /// Each kind of malformed dump fails with ``MemoryGraphError/Code/invalidDump`` naming its
    /// line, and the store it was restored into stays empty; a store that is not empty is
    /// refused.
    ///
    /// - Throws: When a store cannot be opened or dumped.
    public static func malformedDumps(on subject: ConformanceSubject) async throws {
        let space = try Workspace()
        let (original, _) = try await populated(subject, seed: 53)
        defer { original.close() }
        let good = try await original.graph.dumpLines()
        let cases: [(name: String, line: Int?, lines: [String])] = [
            ("bad JSON", 3, try edited(good, fixChecksum: true) { $0[2] = "{not json" }),
            (
                "missing field", 4,
                try edited(good, fixChecksum: true) { $0[3] = try replacing($0[3], "agent_id", with: nil) }
            ),
            (
                "wrong version", 1,
                try edited(good, fixChecksum: true) { $0[0] = try replacing($0[0], "format_version", with: 99) }
            ),
            (
                "checksum mismatch", nil,
                try edited(good, fixChecksum: false) { $0[5] = try replacing($0[5], "agent_id", with: "tampered") }
            ),
            (
                "link to a node not in the dump", 7,
                try edited(good, fixChecksum: true) {
                    $0[6] = try replacing($0[6], "links", with: [.string(NodeID().description)])
                }
            ),
            ("a node twice", 6, try edited(good, fixChecksum: true) { $0[5] = $0[4] }),
            ("truncated", nil, try edited(good, fixChecksum: false) { $0.removeLast(3) }),
            (
                "invalid agent id", 9,
                try edited(good, fixChecksum: true) { $0[8] = try replacing($0[8], "agent_id", with: "") }
            ),
        ]
        let target = try await subject.makeStore()
        defer { target.close() }
        let empty = try await StoreContents(target)
        for (name, line, lines) in cases {
            let file = try space.write(lines, to: "bad.jsonl")
            let error = await expectError(.invalidDump, "\(name)") { try await target.graph.restore(dumpAt: file) }
            let prefix = line.map { "line \($0):" } ?? "line "
            #expect(error?.message.hasPrefix(prefix) == true, "\(name): \(error?.message ?? "")")
            #expect(try await StoreContents(target) == empty, "\(name) left something behind")
        }
        let cut = try space.write(good, to: "cut.jsonl")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cut))
        try bytes.dropLast(40).write(to: URL(fileURLWithPath: cut))
        await expectError(.invalidDump, "cut mid-line") { try await target.graph.restore(dumpAt: cut) }
        #expect(try await StoreContents(target) == empty, "cut mid-line left something behind")

        let before = try await StoreContents(original)
        let file = try space.write(good, to: "good.jsonl")
        await expectError(.invalidArgument, "restoring into a store that is not empty") {
            try await original.graph.restore(dumpAt: file)
        }
        #expect(try await StoreContents(original) == before)
    }

    /// A dump taken while a writer adds nodes, each linking to the first, shows one moment:
    /// its links are its nodes but one, and it restores.
    ///
    /// - Throws: When a store cannot be opened, written, dumped or restored.
    public static func dumpDuringWrites(on subject: ConformanceSubject) async throws {
        let space = try Workspace()
        let store = try await subject.makeStore()
        defer { store.close() }
        let graph = store.graph
        let first = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let writer = Task {
            for index in 0..<400 {
                try await graph.addNode(agentID: "a", taskContext: "c", result: ["n": .int(index)], links: [first])
            }
        }
        var lines: [String] = []
        let summary = try await graph.dump(to: { (line: String) async in lines.append(String(line.dropLast())) })
        try await writer.value
        #expect(summary.links == summary.nodes - 1, "every node but the first links to the first: \(summary)")
        let copy = try await subject.makeStore()
        defer { copy.close() }
        let restored = try await copy.graph.restore(dumpAt: try space.write(lines, to: "live.jsonl"))
        #expect(restored.nodes == summary.nodes && restored.links == summary.links)
        #expect(try await copy.graph.dumpLines() == lines)
    }
}
