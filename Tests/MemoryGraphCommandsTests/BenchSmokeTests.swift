import Foundation
import Testing

/// Runs the built `memory-graph-bench` on tiny inputs so the tool cannot rot. These check that
/// it works and agrees with SQLite, never how fast it is.
@Suite("The benchmark tool")
struct BenchSmokeTests {
    private static func run(_ arguments: [String]) throws -> BuiltTool.Outcome {
        try BuiltTool.bench.run(arguments, in: ScratchDirectory())
    }

    @Test("run: every scenario on 2 000 nodes, answers checked against SQLite, figures in JSON")
    func run() throws {
        let json = NSTemporaryDirectory() + "bench-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try Self.run([
            "run", "--nodes", "2000", "--reads", "2000", "--queries", "200", "--repetitions", "1", "--write-rounds",
            "2",
            "--compare", "sqlite", "--json", json,
        ])
        #expect(result.status == 0, "\(result.errors)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let scenarios = (report["scenarios"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(scenarios == ["S1", "S2c", "S2h", "S3", "S4", "S5", "S7"])
        #expect(result.output.contains("| S4 "))
    }

    @Test("load-test: 3 seconds of readers and writers in two processes, nothing lost, exit 0")
    func loadTest() throws {
        let result = try Self.run([
            "load-test", "--duration", "3", "--nodes", "2000", "--write-rate", "200", "--processes", "2",
        ])
        #expect(result.status == 0, "\(result.output)\n\(result.errors)")
        #expect(result.output.contains("durability noMetaSync · errors 0"))
        #expect(result.output.contains("lost 0"))
        #expect(result.output.contains("verify clean"))
    }
}
