import ArgumentParser
import MemoryGraph

/// `memory-graph verify PATH [--repair]`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every index, link, bundle, counter and dictionary; exit 1 when a problem is found.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Rebuild indexes, links.in, bundle indexes and counters from the records.") var repair = false

    func run() throws {
        let graph = try store.open(writable: repair)
        defer { graph.close() }
        let report = try repair ? graph.repair() : graph.verify()
        OutputFormat.printLine(report.description)
        guard !report.isClean else { return }
        if repair {
            let after = try graph.verify()
            OutputFormat.printLine(after.isClean ? "repaired" : "after repair:\n\(after)")
            if after.isClean { return }
        }
        throw ExitCode(1)
    }
}
