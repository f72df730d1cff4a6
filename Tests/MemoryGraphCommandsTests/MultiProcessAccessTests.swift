import Foundation
import MemoryGraph
import Testing

/// Separate OS processes writing and reading one store at once, through the built
/// `memory-graph-stress contention` roles.
@Suite("Processes sharing a store", .tags(.slow))
struct MultiProcessAccessTests {
    /// What a checking reader printed (`memory-graph-stress contention read`).
    private struct ReaderFigures: Decodable {
        var checks: Int
        var distinctNodes: Int
        var problems: Int
        var examples: [String]
    }

    /// The writes one writer process listed as acknowledged.
    private struct AcknowledgedWrites {
        var nodes: [NodeID: (agent: String, context: String, type: String)] = [:]
        var links: Set<[NodeID]> = []

        mutating func read(log path: String) throws {
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                switch (fields.first, fields.count) {
                case ("node", 5):
                    let id = try #require(NodeID(fields[1]), "\(line)")
                    nodes[id] = (fields[2], fields[3], fields[4])
                case ("link", 3):
                    links.insert([try #require(NodeID(fields[1])), try #require(NodeID(fields[2]))])
                default:
                    Issue.record("unexpected log line \(line)")
                }
            }
        }
    }

    @Test(
        "4 writer and 4 reader processes: every acknowledged write is stored and indexed once, no reader sees a torn node"
    )
    func writersAndReaders() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.child("store")
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        do {
            let graph = try MemoryGraph(path: store, configuration: configuration, lmdb: lmdb)
            defer { graph.close() }
            try graph.addNode(
                agentID: "planner", taskContext: "trip-1", result: ["type": "plan", "confidence_score": 0.5])
        }

        let strategies = ["immediate", "batch", "lazy", "batch"]
        let writers = try strategies.indices.map { index in
            try BuiltTool.stress.start(
                [
                    "contention", "write", "--path", store, "--log", scratch.child("writer-\(index).log"),
                    "--seconds", "3", "--threads", "2", "--strategy", strategies[index], "--seed", "\(index + 1)",
                ], output: scratch.child("writer-\(index).out"))
        }
        let readers = try (0..<4).map { index in
            try BuiltTool.stress.start(
                ["contention", "read", "--path", store, "--seconds", "3", "--seed", "\(index + 11)"],
                output: scratch.child("reader-\(index).json"), errors: scratch.child("reader-\(index).err"))
        }
        for (index, process) in writers.enumerated() {
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: scratch.child("writer-\(index).out"), encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "writer \(index): \(errors)")
        }
        var figures: [ReaderFigures] = []
        for (index, process) in readers.enumerated() {
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: scratch.child("reader-\(index).err"), encoding: .utf8)) ?? ""
            try #require(process.terminationStatus == 0, "reader \(index): \(errors)")
            let output = try Data(contentsOf: URL(fileURLWithPath: scratch.child("reader-\(index).json")))
            figures.append(try JSONDecoder().decode(ReaderFigures.self, from: output))
        }
        for (index, reader) in figures.enumerated() {
            #expect(reader.checks > 0, "reader \(index) checked nothing")
            #expect(reader.problems == 0, "reader \(index): \(reader.examples.joined(separator: "\n"))")
        }

        var acknowledged = AcknowledgedWrites()
        for index in writers.indices { try acknowledged.read(log: scratch.child("writer-\(index).log")) }
        let graph = try MemoryGraph(path: store, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        let ids = Array(acknowledged.nodes.keys)
        for (id, node) in zip(ids, try graph.nodes(ids)) {
            let expected = try #require(acknowledged.nodes[id])
            #expect(
                node?.agentID == expected.agent && node?.taskContext == expected.context
                    && node?.result["type"]?.stringValue == expected.type,
                "acknowledged node \(id) is \(String(describing: node))")
        }
        for link in acknowledged.links {
            #expect(try graph.links(from: link[0]).contains(link[1]), "acknowledged link \(link) is missing")
            #expect(try graph.backlinks(to: link[1]).contains(link[0]), "acknowledged link \(link) has no backlink")
        }

        let verification = try graph.verify()
        #expect(verification.isClean, "\(verification)")
        let status = try graph.status()
        let nodeCount = acknowledged.nodes.count + 1
        #expect(status.statistics.nodes == nodeCount, "only acknowledged nodes are stored")
        #expect(status.statistics.links == acknowledged.links.count, "only acknowledged links are stored")
        // verify() found each node under its keys and no entry under a wrong key: equal counts
        // mean no node is indexed twice.
        for index in ["idx.agent", "idx.context", "idx.agent_context", "idx.type", "idx.time", "idx.confidence"] {
            let entries = status.databases.first { $0.name == index }?.entries
            #expect(entries == nodeCount, "\(index) has \(String(describing: entries)) entries for \(nodeCount) nodes")
        }
        #expect(status.databases.first { $0.name == "links.in" }?.entries == acknowledged.links.count)
        print(
            "4 writer processes acknowledged \(acknowledged.nodes.count) nodes and \(acknowledged.links.count) links; "
                + "4 reader processes made \(figures.map(\.checks).reduce(0, +)) node checks over "
                + "\(figures.map(\.distinctNodes).reduce(0, +)) distinct nodes, "
                + "\(figures.map(\.problems).reduce(0, +)) problems")
    }

    @Test("4 processes × 2 tasks × 500 compare-and-set and modify increments of one counter: exactly 4 000")
    func arbitrationAcrossProcesses() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.child("store")
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        let counter: NodeID
        do {
            let graph = try MemoryGraph(path: store, configuration: configuration)
            defer { graph.close() }
            counter = try graph.addNode(agentID: "a", taskContext: "c", result: ["type": "counter", "count": 0])
        }
        let processes = try (0..<4).map { index in
            try BuiltTool.stress.start(
                ["contention", "increment", "--path", store, "--node", "\(counter)", "--count", "500", "--tasks", "2"],
                output: scratch.child("increment-\(index).json"), errors: scratch.child("increment-\(index).err"))
        }
        var conflicts = 0
        for (index, process) in processes.enumerated() {
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: scratch.child("increment-\(index).err"), encoding: .utf8)) ?? ""
            try #require(process.terminationStatus == 0, "process \(index): \(errors)")
            let output = try JSONValue(
                jsonString: try String(contentsOfFile: scratch.child("increment-\(index).json"), encoding: .utf8))
            #expect(output["increments"] == 1_000)
            conflicts += output["conflicts"]?.intValue ?? 0
        }
        let graph = try MemoryGraph(path: store, configuration: configuration)
        defer { graph.close() }
        let node = try #require(try graph.node(counter))
        #expect(node.result["count"] == 4_000 && node.version == 4_001, "\(node)")
        #expect(try graph.verify().isClean)
        print("4 processes made 4 000 increments of one counter with \(conflicts) compare-and-set conflicts")
    }

    @Test(
        "a consumer process follows 4 writer processes: every change once, in order, also across a SIGKILL and resume"
    )
    func changeFeedAcrossProcesses() throws {
        let scratch = try ScratchDirectory()
        let store = scratch.child("store")
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        do {
            let graph = try MemoryGraph(path: store, configuration: configuration)
            defer { graph.close() }
            try graph.addNode(agentID: "planner", taskContext: "trip-1", result: ["type": "plan"])
        }
        let first = try BuiltTool.memoryGraph.start(
            ["changes", store, "--follow"], output: scratch.child("consumer-1.out"),
            errors: scratch.child("consumer-1.err"))
        let strategies = ["immediate", "batch", "lazy", "batch"]
        let writers = try strategies.indices.map { index in
            try BuiltTool.stress.start(
                [
                    "contention", "write", "--path", store, "--log", scratch.child("writer-\(index).log"),
                    "--seconds", "3", "--threads", "2", "--strategy", strategies[index], "--seed", "\(index + 1)",
                ], output: scratch.child("writer-\(index).out"))
        }
        // Killed mid-stream, the consumer's last printed line is the last change it handled.
        Thread.sleep(forTimeInterval: 1.5)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let handled = try Self.changes(in: scratch.child("consumer-1.out"))
        let resumeAfter = handled.last?.sequence ?? 0
        let second = try BuiltTool.memoryGraph.start(
            ["changes", store, "--follow", "--after", "\(resumeAfter)"], output: scratch.child("consumer-2.out"),
            errors: scratch.child("consumer-2.err"))
        for (index, process) in writers.enumerated() {
            process.waitUntilExit()
            let errors = (try? String(contentsOfFile: scratch.child("writer-\(index).out"), encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "writer \(index): \(errors)")
        }
        let graph = try MemoryGraph(path: store, configuration: configuration)
        defer { graph.close() }
        let last = try graph.currentSequence()
        var resumed: [(sequence: UInt64, kind: String, node: String?)] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            resumed = try Self.changes(in: scratch.child("consumer-2.out"))
            if (resumed.last?.sequence ?? resumeAfter) >= last { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()

        let seen = handled + resumed
        #expect(seen.map(\.sequence) == Array(1...last), "each change exactly once, in order")
        var logged: [(sequence: UInt64, kind: String, node: String?)] = []
        var position: UInt64 = 0
        while position < last {
            let page = try graph.changePage(after: position)
            logged += page.changes.map { ($0.sequence, $0.kind.rawValue, $0.nodeID?.description) }
            position = page.scannedThrough
        }
        #expect(seen.map(\.kind) == logged.map(\.kind) && seen.map(\.node) == logged.map(\.node))
        var acknowledged = AcknowledgedWrites()
        for index in writers.indices { try acknowledged.read(log: scratch.child("writer-\(index).log")) }
        let added = Set(seen.filter { $0.kind == "nodeAdded" }.compactMap { $0.node.flatMap(NodeID.init) })
        #expect(added.isSuperset(of: acknowledged.nodes.keys), "every acknowledged node was delivered")
        print(
            "a consumer process followed 4 writer processes through \(last) changes: \(handled.count) before its "
                + "SIGKILL, \(resumed.count) after resuming from sequence \(resumeAfter)")
    }

    /// The changes a `memory-graph changes` process printed, up to its last complete line.
    private static func changes(in path: String) throws -> [(sequence: UInt64, kind: String, node: String?)] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n") ?? text.startIndex)])
        return try complete.split(separator: "\n").map { line in
            let change = try JSONValue(jsonString: String(line))
            let sequence = try #require(change["sequence"]?.intValue, "\(line)")
            return (UInt64(sequence), change["kind"]?.stringValue ?? "", change["node_id"]?.stringValue)
        }
    }
}
