import Foundation

/// LMDB's own command-line tools (package lmdb-utils), run as separate processes on a store.
enum LMDBTools {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Puts `entries` into the named database `database` of the environment at `path` with
    /// `mdb_load`, which opens the environment, writes in one transaction and commits.
    static func put(_ entries: [(key: [UInt8], value: [UInt8])], in database: String, at path: String) throws {
        var input = "VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n"
        for entry in entries {
            input += " " + hex(entry.key) + "\n " + hex(entry.value) + "\n"
        }
        input += "DATA=END\n"
        _ = try run(["mdb_load", "-s", database, path], input: input)
    }

    /// The standard output of `arguments` (a tool on the PATH); throws when it fails.
    static func run(_ arguments: [String], input: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(
                description: "\(arguments[0]) exited with \(process.terminationStatus): \(message) (install lmdb-utils)"
            )
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
