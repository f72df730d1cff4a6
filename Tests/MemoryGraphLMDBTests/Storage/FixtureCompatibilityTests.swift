import Foundation
import MemoryGraph
import Testing

/// A store written by the library before the split into a core and backends (schema version 3,
/// made by `Fixtures/schema3`'s generator with that library), with its dump and query answers
/// as that library gave them: this library must open it unchanged and answer identically.
@Suite("Stores written before the backend seam")
struct FixtureCompatibilityTests {
    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/schema3").path

    /// The queries whose answers the old library recorded, by the name of their file.
    private static let queries: [(name: String, query: MemoryQuery)] = {
        func query(_ build: (inout MemoryQuery) -> Void) -> MemoryQuery {
            var query = MemoryQuery()
            build(&query)
            return query
        }
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        return [
            (
                "agent-context",
                query {
                    $0.agentIDs = ["planner"]
                    $0.contexts = ["trip-42"]
                }
            ),
            (
                "multi",
                query {
                    $0.agentIDs = ["planner", "critic"]
                    $0.contexts = ["trip-42", "budget"]
                    $0.minConfidence = 0.3
                    $0.limit = 7
                }
            ),
            (
                "type-oldest",
                query {
                    $0.types = ["plan", "fact"]
                    $0.order = .oldestFirst
                    $0.limit = 20
                }
            ),
            (
                "window",
                query {
                    $0.timeRange = start.addingTimeInterval(20 * 60)..<start.addingTimeInterval(60 * 60)
                    $0.maxConfidence = 0.6
                }
            ),
            ("all", query { $0.limit = 1000 }),
            ("confidence", query { $0.minConfidence = 0.85 }),
        ]
    }()

    /// A copy of the fixture store, so that opening it leaves the committed files alone.
    private static func copy() throws -> String {
        let path = NSTemporaryDirectory() + "memory-graph-fixture-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: fixture + "/store", toPath: path)
        return path
    }

    private static func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: fixture + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("read-only: the dump is the old library's, byte for byte, and every query answers as it did")
    func answersIdentically() throws {
        let path = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lmdb = LMDBConfiguration()
        lmdb.readOnly = true
        let graph = try MemoryGraph(path: path, lmdb: lmdb)
        defer { graph.close() }
        var dumped = ""
        _ = try graph.dump { dumped += $0 }
        #expect(dumped.split(separator: "\n").map(String.init) == (try Self.lines("dump.jsonl")))
        for (name, query) in Self.queries {
            var ids: [NodeID] = []
            var page = try graph.query(query)
            ids += page.nodes.map(\.id)
            while let cursor = page.nextCursor, ids.count < query.limit {
                page = try graph.query(query, after: cursor)
                ids += page.nodes.map(\.id)
            }
            let expected = try Self.lines("query-\(name).txt")
            #expect(ids.prefix(query.limit).map(\.description) == expected, "query \(name)")
            #expect(try graph.queryIDs(query).map(\.description) == Array(expected.prefix(query.limit)), "\(name)")
        }
        let recalled = try graph.recall(agentID: "planner", taskContext: "trip-42")
        #expect(recalled.map(\.id.description) == (try Self.lines("query-agent-context.txt")))
        #expect(try graph.verify().isClean)
    }

    @Test("writable: it opens without an upgrade, verifies clean and takes new writes")
    func opensWritable() throws {
        let path = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let graph = try MemoryGraph(path: path)
        defer { graph.close() }
        #expect(try graph.status().schemaVersion == 3)
        let before = try graph.statistics()
        #expect(before.nodes == 89 && before.bundles == 3 && before.links == 111)
        let newest = try #require(NodeID(try Self.lines("query-all.txt")[0]))
        let added = try graph.addNode(
            agentID: "planner", taskContext: "trip-42", result: ["type": "plan"], links: [newest])
        #expect(try graph.backlinks(to: newest).contains(added))
        #expect(try graph.recall(agentID: "planner", taskContext: "trip-42", limit: 1).first?.id == added)
        #expect(try graph.verify().isClean)
    }
}
