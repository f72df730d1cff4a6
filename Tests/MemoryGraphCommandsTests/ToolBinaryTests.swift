import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Runs the built `memory-graph` executable.
private struct Tool {
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "memory-graph")
    }

    static func run(
        _ arguments: [String], executable: URL = executable, environment: [String: String]? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }
}

@Suite("The memory-graph binary")
struct ToolBinaryTests {
    private final class Workspace {
        let directory = NSTemporaryDirectory() + "memory-graph-tool-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
        func path(_ name: String) -> String { directory + "/" + name }
    }

    private static func makeStore(at path: String) throws -> [NodeID] {
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        let graph = try MemoryGraph(path: path, lmdb: lmdb)
        defer { graph.close() }
        var drafts: [NodeDraft] = []
        for index in 0..<60 {
            let type: JSONValue = index % 4 == 0 ? "plan" : "note"
            let result: JSONValue = ["type": type, "confidence_score": .double(Double(index) / 60)]
            drafts.append(
                NodeDraft(
                    agentID: index % 2 == 0 ? "planner" : "critic", taskContext: "trip-\(index % 3)", result: result,
                    timestamp: Date(timeIntervalSince1970: 1_793_491_200 + Double(index) * 60)))
        }
        let ids = try graph.addNodes(drafts)
        try graph.link(from: ids[1], to: ids[0])
        try graph.createBundle(taskID: "task-1", nodeIDs: Array(ids.prefix(3)))
        return ids
    }

    @Test("stat, query, get and recall print what the store holds")
    func readCommands() throws {
        let space = try Workspace()
        let ids = try Self.makeStore(at: space.path("store"))
        let stat = try Tool.run(["stat", space.path("store"), "--json"])
        #expect(stat.status == 0, "\(stat.errors)")
        let status = try JSONDecoder().decode(StoreStatus.self, from: Data(stat.output.utf8))
        #expect(status.statistics.nodes == 60 && status.statistics.links == 1 && status.statistics.bundles == 1)
        #expect(status.databases.map(\.name).contains("idx.agent_context"))

        let query = try Tool.run([
            "query", space.path("store"), "--agent", "planner", "--type", "plan", "--min-confidence", "0.5", "--limit",
            "3",
        ])
        #expect(query.status == 0, "\(query.errors)")
        let lines = query.output.split(separator: "\n").map { try? JSONValue(jsonString: String($0)) }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0?["agent_id"] == "planner" && $0?["type"] == "plan" })
        #expect(lines.first??["timestamp"] == "2026-11-01T00:56:00.000Z", "newest first")

        let explain = try Tool.run(["query", space.path("store"), "--agent", "critic", "--explain"])
        #expect(explain.status == 0 && explain.output.contains("access path: "))

        let get = try Tool.run(["get", space.path("store"), ids[1].description])
        #expect(get.status == 0)
        #expect(try JSONValue(jsonString: get.output)["links"] == [.string(ids[0].description)])

        let recall = try Tool.run(["recall", space.path("store"), "--agent", "critic", "--context", "trip-1"])
        #expect(recall.output.split(separator: "\n").count == 10)
    }

    @Test("search through the binary: best matches with scores, the filter inside, by embedding, bad input exit 2")
    func search() throws {
        let space = try Workspace()
        var ids: [NodeID] = []
        do {
            let graph = try MemoryGraph(path: space.path("store"))
            defer { graph.close() }
            for (index, (agent, summary)) in [
                ("planner", "Flight plan to Oslo"), ("planner", "Hotel in Oslo"), ("critic", "Oslo flight, planned"),
                ("planner", "Nothing to see"),
            ].enumerated() {
                ids += try graph.addNodes([
                    NodeDraft(
                        agentID: agent, taskContext: "trip", result: ["summary": .string(summary)],
                        embedding: [Float(index), 1])
                ])
            }
        }
        let nearest = try Tool.run(["search", space.path("store"), "--embedding", "[3, 1]", "--metric", "euclidean"])
        #expect(nearest.status == 0, "\(nearest.errors)")
        let order = nearest.output.split(separator: "\n").compactMap { try? JSONValue(jsonString: String($0)) }
            .compactMap { $0["id"]?.stringValue }
        #expect(order == [ids[3], ids[2], ids[1], ids[0]].map(\.description))
        let fused = try Tool.run(["search", space.path("store"), "oslo", "--embedding", "[3, 1]", "--limit", "1"])
        #expect(fused.output.contains(ids[2].description), "\(fused.output)")
        for arguments in [
            ["--embedding", "[1, 2, 3]"], ["--embedding", "not json"], ["--embedding", "[1, 2]", "--metric", "l1"], [],
        ] {
            let refused = try Tool.run(["search", space.path("store")] + arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.errors)")
        }
        let found = try Tool.run(["search", space.path("store"), "oslo plan*", "--limit", "5"])
        #expect(found.status == 0, "\(found.errors)")
        let lines = found.output.split(separator: "\n").compactMap { try? JSONValue(jsonString: String($0)) }
        #expect(lines.count == 2 && lines.allSatisfy { $0["summary"] == nil && $0["result"]?["summary"] != nil })
        let scores = lines.compactMap { $0["score"]?.doubleValue }
        #expect(scores.count == 2 && scores[0] >= scores[1] && scores[1] > 0)
        let planner = try Tool.run(["search", space.path("store"), "oslo", "--agent", "planner", "--any"])
        let agents = planner.output.split(separator: "\n").compactMap { try? JSONValue(jsonString: String($0)) }
            .map { $0["agent_id"] }
        #expect(agents == ["planner", "planner"])
        let bad = try Tool.run(["search", space.path("store"), "?!"])
        #expect(bad.status == 2 && bad.errors.contains("no words"))
    }

    @Test("vector-index builds, changes and drops the index; stat and search --explain show it")
    func vectorIndex() throws {
        let space = try Workspace()
        let store = space.path("store")
        var ids: [NodeID] = []
        do {
            let graph = try MemoryGraph(path: store)
            defer { graph.close() }
            ids = try graph.addNodes(
                (0..<60).map { index in
                    NodeDraft(
                        agentID: "planner", taskContext: "trip", result: ["summary": "Oslo"],
                        embedding: [Float(index % 7), Float(index / 7), 1])
                })
        }
        let explainedBefore = try Tool.run(["search", store, "--embedding", "[1, 2, 1]", "--explain"])
        #expect(explainedBefore.status == 0 && explainedBefore.output.contains("vector: vectorScan"))

        let built = try Tool.run(["vector-index", store, "--neighbors", "4", "--construction-breadth", "20"])
        #expect(built.status == 0, "\(built.errors)")
        let state = try JSONValue(jsonString: built.output)
        #expect(state["embeddings"] == 60 && state["vector_index"]?["neighbors"] == 4, "\(built.output)")
        #expect(state["vector_index"]?["metric"] == "cosine" && state["vector_index"]?["search_breadth"] == 64)
        let explained = try Tool.run(["search", store, "oslo", "--embedding", "[1, 2, 1]", "--explain"])
        #expect(explained.status == 0, "\(explained.errors)")
        #expect(explained.output.contains("vector: vectorIndex") && explained.output.contains("text: textIndex"))
        #expect(explained.output.contains("fused by reciprocal rank, each ranking 50 deep"), "\(explained.output)")
        let nearest = try Tool.run(["search", store, "--embedding", "[2, 3, 1]", "--limit", "1"])
        #expect(nearest.output.contains(ids[23].description), "\(nearest.output)")
        let stat = try Tool.run(["stat", store])
        #expect(stat.output.contains("embeddings 60 · vector index cosine, 4 neighbours"), "\(stat.output)")
        #expect(try Tool.run(["verify", store]).status == 0)

        let dropped = try Tool.run(["vector-index", store, "--drop"])
        #expect(try JSONValue(jsonString: dropped.output)["vector_index"] == .null, "\(dropped.output)")
        for arguments in [["--neighbors", "2"], ["--metric", "l1"], ["--search-breadth", "0"]] {
            let refused = try Tool.run(["vector-index", store] + arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.errors)")
        }
    }

    @Test("update through the binary: a compare-and-set, a conflict with exit code 4, bad input with exit code 2")
    func update() throws {
        let space = try Workspace()
        let ids = try Self.makeStore(at: space.path("store"))
        let id = ids[4].description
        let updated = try Tool.run([
            "update", space.path("store"), id, "--result", #"{"type":"fact","confidence_score":0.25}"#,
            "--expected-version", "1",
        ])
        #expect(updated.status == 0, "\(updated.errors)")
        let node = try JSONValue(jsonString: updated.output)
        #expect(node["version"] == 2 && node["type"] == "fact" && node["confidence"] == 0.25, "\(updated.output)")
        let stale = try Tool.run(["update", space.path("store"), id, "--metadata", "{}", "--expected-version", "1"])
        #expect(stale.status == 4 && stale.errors.contains("versionConflict") && stale.errors.contains("version 2"))
        #expect(try Tool.run(["update", space.path("store"), id, "--result", "{oops"]).status == 2)
        #expect(try Tool.run(["update", space.path("store"), id]).status == 2)
        let query = try Tool.run(["query", space.path("store"), "--type", "fact"])
        #expect(query.output.split(separator: "\n").count == 1 && query.output.contains(id))
    }

    @Test("changes, history and forget through the binary: JSON Lines, filters and usage errors")
    func changesHistoryAndForget() throws {
        let space = try Workspace()
        let ids = try Self.makeStore(at: space.path("store"))
        let store = space.path("store")
        let id = ids[4].description
        #expect(try Tool.run(["update", store, id, "--metadata", #"{"n":1}"#]).status == 0)

        let all = try Tool.run(["changes", store])
        #expect(all.status == 0, "\(all.errors)")
        let lines = try all.output.split(separator: "\n").map { try JSONValue(jsonString: String($0)) }
        // 60 adds in one call, a link, a bundle, an update.
        #expect(lines.count == 63)
        #expect(lines.map { $0["sequence"]?.intValue } == Array(1...63))
        #expect(lines[60]["kind"] == "linked" && lines[61]["kind"] == "bundleCreated")
        #expect(lines[62]["kind"] == "nodeUpdated" && lines[62]["node_id"] == .string(id) && lines[62]["version"] == 2)
        let filtered = try Tool.run(["changes", store, "--after", "10", "--agent", "critic", "--kind", "nodeAdded"])
        let critics = filtered.output.split(separator: "\n").map { try? JSONValue(jsonString: String($0)) }
        #expect(critics.count == 25 && critics.allSatisfy { $0?["agent_id"] == "critic" })
        #expect(try Tool.run(["changes", store, "--kind", "exploded"]).status == 2)

        let history = try Tool.run(["history", store, id])
        #expect(history.status == 0, "\(history.errors)")
        let versions = try history.output.split(separator: "\n").map { try JSONValue(jsonString: String($0)) }
        #expect(versions.map { $0["version"] } == [2, 1] && versions[0]["metadata"] == ["n": 1])
        #expect(try Tool.run(["history", store, NodeID().description]).status == 3)

        #expect(try Tool.run(["forget", store]).status == 2, "no criterion and no --all")
        let forget = try Tool.run(["forget", store, "--agent", "critic", "--context", "trip-1"])
        let forgotten = try JSONValue(jsonString: forget.output)["forgotten"]
        #expect(forget.status == 0 && forgotten == 10, "\(forget.output)")
        let rest = try Tool.run(["query", store, "--agent", "critic", "--context", "trip-1"])
        #expect(rest.status == 0 && rest.output.isEmpty)
        let removed = try Tool.run(["changes", store, "--after", "63", "--kind", "nodeRemoved"])
        #expect(removed.output.split(separator: "\n").count == 10)
        #expect(try Tool.run(["verify", store]).status == 0)
    }

    @Test("a forget killed with SIGKILL leaves a store that verifies clean, and running it again finishes it")
    func interruptedForget() throws {
        let space = try Workspace()
        let store = space.path("store")
        let count = 30_000
        do {
            let graph = try MemoryGraph(path: store)
            defer { graph.close() }
            for start in stride(from: 0, to: count, by: 5_000) {
                try graph.addNodes(
                    (start..<start + 5_000).map { index in
                        NodeDraft(agentID: "subject", taskContext: "c\(index % 7)", result: ["n": .int(index)])
                    })
            }
            try graph.addNode(agentID: "keeper", taskContext: "c0", result: [:])
        }
        let process = Process()
        process.executableURL = Tool.executable
        process.arguments = ["forget", store, "--agent", "subject"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let verify = try Tool.run(["verify", store])
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
        let graph = try MemoryGraph(path: store)
        var subject = MemoryQuery()
        subject.agentIDs = ["subject"]
        let left = try graph.count(subject)
        #expect(left % MemoryGraph.forgetBatchSize == 0, "whole batches only: \(left) left")
        graph.close()
        let again = try Tool.run(["forget", store, "--agent", "subject"])
        let removedAgain = try JSONValue(jsonString: again.output)["forgotten"]
        #expect(again.status == 0 && removedAgain == .int(left))
        #expect(try Tool.run(["verify", store]).status == 0)
        let stat = try Tool.run(["stat", store, "--json"])
        let status = try JSONDecoder().decode(StoreStatus.self, from: Data(stat.output.utf8))
        #expect(status.statistics.nodes == 1)
        print("a forget of \(count) nodes killed after 0.3 s had left \(left); the second run removed them")
    }

    @Test("dump and restore through the binary, with the documented exit codes")
    func dumpRestoreAndExitCodes() throws {
        let space = try Workspace()
        _ = try Self.makeStore(at: space.path("store"))
        let dump = try Tool.run(["dump", space.path("store"), "-o", space.path("dump.jsonl")])
        #expect(dump.status == 0, "\(dump.errors)")
        let restore = try Tool.run(["restore", space.path("dump.jsonl"), "--into", space.path("copy")])
        #expect(restore.status == 0, "\(restore.errors)")
        let again = try Tool.run(["restore", space.path("dump.jsonl"), "--into", space.path("copy")])
        #expect(again.status == 2 && again.errors.contains("already exists"))
        let piped = try Tool.run(["dump", space.path("copy")])
        #expect(piped.output == (try String(contentsOfFile: space.path("dump.jsonl"), encoding: .utf8)))

        try "{\"kind\":\"header\"}\n".write(toFile: space.path("bad.jsonl"), atomically: true, encoding: .utf8)
        let bad = try Tool.run(["restore", space.path("bad.jsonl"), "--into", space.path("never")])
        #expect(bad.status == 3 && bad.errors.contains("line 1:"), "\(bad.errors)")
        #expect(!FileManager.default.fileExists(atPath: space.path("never")))

        #expect(try Tool.run(["get", space.path("store"), "not-an-id"]).status == 2)
        #expect(try Tool.run(["get", space.path("store"), NodeID().description]).status == 3)
        #expect(try Tool.run(["query", space.path("store"), "--since", "soon"]).status == 2)
        #expect(try Tool.run(["stat", space.path("missing")]).status == 3)
        #expect(try Tool.run(["--help"]).status == 0)
    }

    @Test("verify reports a corruption with exit 1, and --repair fixes it")
    func verifyAndRepair() throws {
        let space = try Workspace()
        _ = try Self.makeStore(at: space.path("store"))
        #expect(try Tool.run(["verify", space.path("store")]).status == 0)
        let graph = try MemoryGraph(path: space.path("store"))
        try graph.environment.write { txn in
            var value: [UInt8] = []
            value.appendBigEndian(UInt64(7))
            _ = try txn.put(value, forKey: MetaKey.contextCount, in: graph.schema.meta)
        }
        graph.close()
        let found = try Tool.run(["verify", space.path("store")])
        #expect(found.status == 1 && found.output.contains("wrongCounter in meta"), "\(found.output)")
        let repaired = try Tool.run(["verify", space.path("store"), "--repair"])
        #expect(repaired.status == 0 && repaired.output.contains("repaired"), "\(repaired.output)")
        #expect(try Tool.run(["verify", space.path("store")]).status == 0)
    }

    @Test("copy while another thread writes gives a store that opens with consistent counts")
    func hotCopy() async throws {
        let space = try Workspace()
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        let graph = try MemoryGraph(path: space.path("live"), lmdb: lmdb)
        let anchor = try await graph.addNode(agentID: "a", taskContext: "c", result: [:])
        let writer = Task {
            for index in 0..<300 {
                try await graph.addNode(agentID: "a", taskContext: "c", result: ["n": .int(index)], links: [anchor])
            }
        }
        // The store is open in this process, so the copy goes through the library here.
        try graph.backup(to: space.path("backup"), compacting: true)
        try await writer.value
        graph.close()
        let stat = try Tool.run(["stat", space.path("backup"), "--json"])
        let status = try JSONDecoder().decode(StoreStatus.self, from: Data(stat.output.utf8))
        #expect(status.statistics.links == status.statistics.nodes - 1)
        let copy = try Tool.run(["copy", space.path("live"), space.path("second")])
        #expect(copy.status == 0, "\(copy.errors)")
        #expect(try Tool.run(["verify", space.path("backup")]).status == 0, "the hot copy verifies")
        #expect(
            try Tool.run(["copy", space.path("live"), space.path("second")]).status == 2,
            "not into a non-empty directory")
    }

    @Test("a dump file is readable by its owner only, even when it replaces a readable one")
    func dumpFileMode() throws {
        let space = try Workspace()
        _ = try Self.makeStore(at: space.path("store"))
        #expect(FileManager.default.createFile(atPath: space.path("dump.jsonl"), contents: Data("old".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: space.path("dump.jsonl"))
        #expect(try Tool.run(["dump", space.path("store"), "-o", space.path("dump.jsonl")]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: space.path("dump.jsonl"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: space.path("dump.jsonl"), encoding: .utf8).hasPrefix("{"))
    }

    @Test("a store directory the user may not open: exit 3 and a message that says so")
    func permissionDenied() throws {
        let space = try Workspace()
        _ = try Self.makeStore(at: space.path("store"))
        #expect(chmod(space.path("store"), 0) == 0)
        defer { chmod(space.path("store"), 0o700) }
        let outcome: Tool.Outcome
        if geteuid() == 0 {
            // Root ignores permissions: run a copy of the tool as `nobody`, from a directory it can reach.
            #expect(chmod(space.directory, 0o755) == 0)
            let copy = URL(fileURLWithPath: space.path("memory-graph"))
            try FileManager.default.copyItem(at: Tool.executable, to: copy)
            // `nobody` may not read files of the checkout (a sanitizer's suppressions, say), and
            // leaks are not what this checks.
            var environment = ProcessInfo.processInfo.environment
            environment["LSAN_OPTIONS"] = nil
            environment["ASAN_OPTIONS"] = "detect_leaks=0"
            outcome = try Tool.run(
                ["--reuid=65534", "--regid=65534", "--clear-groups", copy.path, "stat", space.path("store")],
                executable: URL(fileURLWithPath: "/usr/bin/setpriv"), environment: environment)
        } else {
            outcome = try Tool.run(["stat", space.path("store")])
        }
        #expect(outcome.status == 3, "\(outcome.errors)")
        #expect(outcome.errors.contains("Permission denied"), "\(outcome.errors)")
    }
}
