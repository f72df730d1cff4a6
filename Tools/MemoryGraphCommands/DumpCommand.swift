import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph dump PATH [-o FILE|-]`.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Write a logical dump (JSON Lines) of one consistent snapshot; writers may keep writing.")

    @OptionGroup var store: StoreOptions
    @Option(name: .shortAndLong, help: "The file to write, or - for standard output.") var output = "-"

    func run() throws {
        let graph = try store.open()
        defer { graph.close() }
        let handle: FileHandle
        if output == "-" {
            handle = FileHandle.standardOutput
        } else {
            // The dump holds every payload: readable by its owner only, like the store.
            guard FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o600]),
                let file = FileHandle(forWritingAtPath: output)
            else {
                throw MemoryGraphError(.invalidArgument, "cannot write \(output); check the path and permissions")
            }
            handle = file
        }
        defer { if output != "-" { try? handle.close() } }
        let bar = ProgressBar("dump")
        var pending = Data()
        let summary = try graph.dump(
            to: { line in
                pending.append(contentsOf: line.utf8)
                if pending.count >= 1 << 16 {
                    handle.write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }, progress: bar.update)
        handle.write(pending)
        bar.finish()
        if output != "-" {
            FileHandle.standardError.write(
                Data("dumped \(summary.nodes) nodes, \(summary.bundles) bundles, \(summary.links) links\n".utf8))
        }
    }
}
