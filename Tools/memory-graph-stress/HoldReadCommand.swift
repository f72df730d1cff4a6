import ArgumentParser
import Foundation
import LMDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `memory-graph-stress contention hold-read`: opens the store, begins a read transaction, prints
/// `reading PID SNAPSHOT` and sleeps inside the transaction until it is killed: a reader that
/// dies holding a reader slot.
///
/// It opens the LMDB environment directly: the store's API has no way to keep a snapshot open.
struct HoldReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-read", abstract: "Begin a read transaction, say so, and sleep inside it until killed.")

    @Option(help: "The store's directory.") var path: String

    func run() throws {
        var options = Environment.Options()
        options.readOnly = true
        let environment = try Environment.open(path: path, options: options)
        try environment.read { txn in
            FileHandle.standardOutput.write(Data("reading \(getpid()) \(txn.id)\n".utf8))
            while true { pause() }
        }
    }
}
