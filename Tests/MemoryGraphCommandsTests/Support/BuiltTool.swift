import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One of the package's executables, as built next to the test bundle.
///
/// Children write to files, never to pipes the test would have to drain, so a chatty child can
/// not block on a full pipe.
struct BuiltTool {
    /// What a finished run printed and how it ended.
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    static let memoryGraph = BuiltTool(name: "memory-graph")
    static let stress = BuiltTool(name: "memory-graph-stress")

    let name: String

    var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Starts the tool; its standard output is appended to the file `output`, its standard error
    /// to `errors` (to `output` too when `nil`).
    func start(_ arguments: [String], output: String, errors: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try Self.appending(to: output)
        process.standardError = try Self.appending(to: errors ?? output)
        try process.run()
        return process
    }

    /// Runs the tool to the end; its output files stay in `directory`.
    func run(_ arguments: [String], in directory: ScratchDirectory) throws -> Outcome {
        let stem = directory.child("\(name)-\(UUID().uuidString)")
        let process = try start(arguments, output: stem + ".out", errors: stem + ".err")
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: try String(contentsOfFile: stem + ".out", encoding: .utf8),
            errors: try String(contentsOfFile: stem + ".err", encoding: .utf8))
    }

    /// The file at `path`, created when missing, opened for appending (`O_APPEND`, so several
    /// processes can share it without overwriting each other's lines).
    private static func appending(to path: String) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}
