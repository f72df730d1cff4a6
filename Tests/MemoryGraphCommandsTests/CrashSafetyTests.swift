import Foundation
import Testing

/// Runs the built `memory-graph-stress crash-test`: a writer process is killed with SIGKILL again
/// and again, and after each kill the store must verify clean and hold every acknowledged write.
@Suite("Crash safety", .tags(.slow))
struct CrashSafetyTests {
    @Test("crash-test: 25 kills of a writer, every acknowledged write checked, no failure, exit 0")
    func twentyFiveKills() throws {
        let space = try ScratchDirectory()
        let outcome = try BuiltTool.stress.run(["crash-test", "--iterations", "25", "--seed", "2024"], in: space)
        let printed = outcome.output
        #expect(outcome.status == 0, "\(printed)\n\(outcome.errors)")
        let summary = try #require(
            printed.split(separator: "\n").first { $0.hasPrefix("kills ") }, "no summary in:\n\(printed)")
        #expect(summary.hasPrefix("kills 25, acknowledged operations checked "))
        #expect(summary.hasSuffix(", failures 0"))
        let checked = summary.split(separator: " ").dropFirst(5).first.flatMap { Int($0.dropLast()) } ?? 0
        #expect(checked > 0, "the writers had no write acknowledged: \(summary)")
    }
}
