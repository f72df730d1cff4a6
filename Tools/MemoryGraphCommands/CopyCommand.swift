import ArgumentParser
import MemoryGraph

#if canImport(MemoryGraphService)
    import MemoryGraphService
#endif

/// `memory-graph copy PATH DEST [--compact]` (an LMDB hot backup) or `memory-graph copy --from
/// LOCATION --to LOCATION` (a logical copy between any two backends).
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy one consistent snapshot while writers keep writing: a hot backup, or between backends.",
        discussion: """
            copy PATH DEST copies an LMDB store's files (DEST must not exist). copy --from LOCATION --to LOCATION \
            copies between any two backends, lmdb:PATH or postgres://USER@HOST/DATABASE[?schema=NAME], through \
            the dump format: ids, versions, timestamps, links and bundles are kept, the target must be empty, \
            and the target is dumped again and compared with the source's dump line for line.
            """)

    @Argument(help: "The LMDB store to back up.") var path: String?
    @Argument(help: "The new directory to copy it to.") var destination: String?
    @Flag(help: "Leave free pages out (smaller, slower).") var compact = false
    @Option(help: ArgumentHelp("The store to copy: lmdb:PATH or a postgres:// URL.", valueName: "location"))
    var from: String?
    @Option(help: ArgumentHelp("The empty store to copy into: lmdb:PATH or a postgres:// URL.", valueName: "location"))
    var to: String?

    func validate() throws {
        let backup = path != nil && destination != nil && from == nil && to == nil
        let logical = path == nil && destination == nil && from != nil && to != nil && !compact
        guard backup || logical else {
            throw ValidationError("give either PATH DEST [--compact], or --from LOCATION --to LOCATION")
        }
    }

    func run() async throws {
        if let path, let destination {
            var store = StoreOptions()
            store.path = path
            let graph = try store.open()
            defer { graph.close() }
            try graph.backup(to: destination, compacting: compact)
            return
        }
        #if canImport(MemoryGraphService)
            guard let from, let to, let source = BackendLocation(argument: from),
                let target = BackendLocation(argument: to)
            else {
                throw ValidationError("--from and --to take lmdb:PATH or a postgres:// URL")
            }
            var configuration = MemoryGraph.Configuration()
            configuration.enableMetrics = false
            // The copy keeps every node, even one whose expiry has come since the source wrote it.
            configuration.expirySweepInterval = nil
            let sourceGraph = try await source.open(configuration: configuration)
            defer { sourceGraph.close() }
            let targetGraph = try await target.open(configuration: configuration)
            defer { targetGraph.close() }
            let summary = try await BackendCopy.copy(from: sourceGraph, to: targetGraph)
            print(
                "copied \(summary.dump.nodes) nodes, \(summary.dump.links) links and \(summary.dump.bundles) bundles "
                    + "from \(source) to \(target); the target's dump matches (\(summary.dump.checksum))")
        #else
            throw ValidationError("this build has no backends to copy between (it leaves out the service)")
        #endif
    }
}
