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

    /// A dump's lines as JSON, with what format version 2 added taken out: the header's format
    /// and schema versions, each node's version and update time (checked to be version 1,
    /// updated at its timestamp, as every node of a store before versions was), and the
    /// trailer's checksum over those.
    private static func versionFree(_ lines: [String]) throws -> [JSONValue] {
        try lines.map { line in
            guard case .object(var fields) = try JSONValue(jsonString: line) else { return .null }
            switch fields["kind"] {
            case "header":
                fields["format_version"] = nil
                fields["schema_version"] = nil
            case "node" where fields["version"] != nil:
                #expect(fields["version"] == 1 && fields["updated_at_us"] == fields["timestamp_us"], "\(line)")
                fields["version"] = nil
                fields["updated_at_us"] = nil
            case "trailer": fields["checksum"] = nil
            default: break
            }
            return .object(fields)
        }
    }

    private static func dumpLines(_ graph: MemoryGraph) throws -> [String] {
        var dumped = ""
        _ = try graph.dump { dumped += $0 }
        return dumped.split(separator: "\n").map(String.init)
    }

    @Test("read-only: the dump holds the old library's records, and every query answers as it did")
    func answersIdentically() throws {
        let path = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lmdb = LMDBConfiguration()
        lmdb.readOnly = true
        let graph = try MemoryGraph(path: path, lmdb: lmdb)
        defer { graph.close() }
        let dumped = try Self.dumpLines(graph)
        #expect(try Self.versionFree(dumped) == Self.versionFree(try Self.lines("dump.jsonl")))
        // The old library's dump (format version 1) restores to the same store.
        let restoredPath = NSTemporaryDirectory() + "memory-graph-fixture-restored-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: restoredPath) }
        let restored = try MemoryGraph(path: restoredPath)
        defer { restored.close() }
        try restored.restore(dumpAt: Self.fixture + "/dump.jsonl")
        #expect(try Self.dumpLines(restored) == dumped)
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

    @Test(
        "writable: it is marked the current schema version without a rewrite, verifies clean and takes writes and embeddings"
    )
    func opensWritable() throws {
        let path = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let graph = try MemoryGraph(path: path)
        defer { graph.close() }
        #expect(try graph.status().schemaVersion == 8)
        let before = try graph.statistics()
        #expect(before.nodes == 89 && before.bundles == 3 && before.links == 111)
        let newest = try #require(NodeID(try Self.lines("query-all.txt")[0]))
        let added = try graph.addNode(
            agentID: "planner", taskContext: "trip-42", result: ["type": "plan"], links: [newest])
        #expect(try graph.backlinks(to: newest).contains(added))
        #expect(try graph.recall(agentID: "planner", taskContext: "trip-42", limit: 1).first?.id == added)
        // An old record is at version 1 and takes an update, which it then carries.
        let old = try #require(try graph.node(newest))
        #expect(old.version == 1 && old.updatedAt == old.timestamp)
        #expect(try graph.updateNode(newest, metadata: ["revised": true], expectedVersion: 1) == 2)
        let revised = try #require(try graph.node(newest))
        #expect(revised.version == 2 && revised.result == old.result && revised.links == old.links)
        #expect(try graph.backlinks(to: newest).contains(added))
        #expect(try graph.verify().isClean)
    }

    @Test("upgraded, it takes embeddings and finds nodes by them")
    func upgradedTakesEmbeddings() async throws {
        let path = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let graph = try MemoryGraph(path: path)
        defer { graph.close() }
        let newest = try #require(NodeID(try Self.lines("query-all.txt")[0]))
        #expect(try await graph.updateNode(newest, embedding: .set([0.5, -1, 2])) == 2)
        let found = try await graph.node(newest)
        let hits = try await graph.search(SearchRequest(nearest: [0.5, -1, 2]))
        #expect(hits.map(\.node) == [found])
        #expect(try graph.verify().isClean)
    }
}
