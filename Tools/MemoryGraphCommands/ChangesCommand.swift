import ArgumentParser
import Dispatch
import MemoryGraph
import MemoryGraphTools
import Synchronization

/// `memory-graph changes PATH [--after N] [--follow] [--agent A] [--context C] [--kind K]`.
struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Print the change log after a sequence number, one JSON object per line.",
        discussion: """
            Prints the changes after --after (default 0: all the log holds), oldest first. With --follow it \
            then waits for new commits — also those of other processes — and prints them as they come, until \
            interrupted. Resume a consumer with --after set to the last sequence it handled. Fails with exit \
            code 3 and error changesTruncated when retention dropped changes after --after.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Print the changes after this sequence number.") var after: UInt64 = 0
    @Flag(help: "Keep printing new changes as they are committed.") var follow = false
    @Option(help: "Only changes of this agent's nodes (repeatable).") var agent: [String] = []
    @Option(help: "Only changes in this task context (repeatable).") var context: [String] = []
    @Option(
        help: ArgumentHelp(
            "Only changes of this kind (repeatable).",
            discussion: GraphChange.Kind.allCases.map(\.rawValue).joined(separator: ", ")))
    var kind: [String] = []

    func run() throws {
        let kinds = try kind.map { name in
            guard let kind = GraphChange.Kind(rawValue: name) else {
                throw MemoryGraphError(
                    .invalidArgument,
                    "--kind \(name) is not a change kind; use one of "
                        + GraphChange.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return kind
        }
        let filter = ChangeFilter(
            agentIDs: agent.isEmpty ? nil : Set(agent), contexts: context.isEmpty ? nil : Set(context),
            kinds: kinds.isEmpty ? nil : Set(kinds))
        let graph = try store.open()
        defer { graph.close() }
        let feed = graph.changes(after: after, matching: filter, follow: follow)
        // The command runs on the main thread; the feed is read by a task while it waits.
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<MemoryGraphError?>(nil)
        Task {
            do {
                for try await change in feed {
                    OutputFormat.printLine(try MemoryJSON.change(change).jsonString())
                }
            } catch {
                let error =
                    error as? MemoryGraphError
                    ?? MemoryGraphError(.storage, "reading the change log failed: \(error)")
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
