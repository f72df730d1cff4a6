import ArgumentParser
import MemoryGraph

/// `memory-graph copy PATH DEST [--compact]`.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Hot backup: copy one consistent snapshot while writers keep writing.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The new directory to copy to.") var destination: String
    @Flag(help: "Leave free pages out (smaller, slower).") var compact = false

    func run() throws {
        let graph = try store.open()
        defer { graph.close() }
        try graph.backup(to: destination, compacting: compact)
    }
}
