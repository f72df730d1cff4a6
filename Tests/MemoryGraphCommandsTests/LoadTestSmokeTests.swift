import Foundation
import Testing

/// Runs the built `memory-graph-stress load-test` on tiny inputs so the tool cannot rot. This
/// checks that it works and loses nothing, never how fast it is. (The benchmark, in the nested
/// package `Benchmarks/`, has its smoke run in `make bench-smoke`.)
@Suite("The load test", .tags(.slow))
struct LoadTestSmokeTests {
    @Test("load-test: 3 seconds of readers and writers in two processes, nothing lost, exit 0")
    func loadTest() throws {
        let result = try BuiltTool.stress.run(
            ["load-test", "--duration", "3", "--nodes", "2000", "--write-rate", "200", "--processes", "2"],
            in: ScratchDirectory())
        #expect(result.status == 0, "\(result.output)\n\(result.errors)")
        #expect(result.output.contains("durability noMetaSync · errors 0"))
        #expect(result.output.contains("lost 0"))
        #expect(result.output.contains("verify clean"))
    }
}
