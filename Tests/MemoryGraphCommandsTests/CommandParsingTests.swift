import ArgumentParser
import Foundation
import MemoryGraph
import Testing

@testable import MemoryGraphCommands

@Suite("Command parsing")
struct CommandParsingTests {
    @Test("query options become the query they describe")
    func queryOptions() throws {
        let command = try #require(
            try MemoryGraphTool.parseAsRoot([
                "query", "store", "--agent", "planner", "--agent", "critic", "--context", "trip-42", "--type", "plan",
                "--since", "2026-11-01T00:00:00Z", "--until", "2026-11-08T00:00:00.500Z", "--min-confidence", "0.8",
                "--limit", "20", "--oldest-first",
            ]) as? QueryCommand)
        let query = command.query
        #expect(command.store.path == "store")
        #expect(query.agentIDs == ["planner", "critic"])
        #expect(query.contexts == ["trip-42"])
        #expect(query.types == ["plan"])
        #expect(query.timeRange?.lowerBound == Date(timeIntervalSince1970: 1_793_491_200))
        #expect(query.timeRange?.upperBound == Date(timeIntervalSince1970: 1_794_096_000.5))
        #expect(query.minConfidence == 0.8 && query.maxConfidence == nil)
        #expect(query.order == .oldestFirst && query.limit == 20)
    }

    @Test(
        "bad arguments are usage errors",
        arguments: [
            ["query", "store", "--since", "yesterday"],
            ["query", "store", "--limit", "0"],
            ["restore", "dump.jsonl"],
            ["nonsense"],
            ["stat"],
        ])
    func usageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try MemoryGraphTool.parseAsRoot(arguments) }
    }

    @Test("failures map to the documented exit codes")
    func exitCodes() {
        #expect(MemoryGraphTool.exitCode(forFailure: MemoryGraphError(.invalidArgument, "x")) == 2)
        #expect(MemoryGraphTool.exitCode(forFailure: MemoryGraphError(.invalidDump, "x")) == 3)
        #expect(MemoryGraphTool.exitCode(forFailure: MemoryGraphError(.corruption, "x")) == 3)
        #expect(MemoryGraphTool.exitCode(forFailure: MemoryGraphError(.nodeNotFound, "x")) == 3)
    }
}
