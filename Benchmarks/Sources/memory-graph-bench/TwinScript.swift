import Foundation

/// A twin of S10 in `Benchmarks/vectors/`: a script run by a Python on files written for it into
/// a directory, which writes its figures as JSON. What ``NumPyTwin`` and ``HNSWLibTwin`` share.
struct TwinScript {
    /// Why a twin did not run.
    struct Skipped: Error {
        var reason: String
    }

    /// What every script may write instead of its figures.
    private struct Refusal: Decodable {
        var skipped: String?
    }

    /// The script's file name in `Benchmarks/vectors/`.
    var name: String
    /// The interpreter that runs the script (a name on the `PATH` or a path).
    var python: String
    /// The directory the files are written to (and removed from afterwards).
    var directory: String

    /// The script, beside the sources of this tool.
    var url: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("vectors/" + name)
    }

    /// Writes `files` (a name and its bytes each) into the directory, runs the script with
    /// `arguments`, `--directory` and `--output`, and decodes what it wrote; the files are removed
    /// afterwards. The script's standard output goes to this tool's standard error. `.failure`
    /// with the reason the twin was skipped: no such interpreter, the script failed, or it wrote
    /// `{"skipped": why}` (a package it needs cannot be imported).
    func run<Output: Decodable>(files: [(name: String, bytes: Data)], arguments: [String], as _: Output.Type) throws
        -> Result<Output, Skipped>
    {
        guard FileManager.default.fileExists(atPath: url.path) else {
            return .failure(Skipped(reason: "\(url.path) is missing"))
        }
        let output = directory + "/" + (name as NSString).deletingPathExtension + ".json"
        let paths = files.map { directory + "/" + $0.name } + [output]
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        for (file, path) in zip(files, paths) { try file.bytes.write(to: URL(fileURLWithPath: path)) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, url.path, "--directory", directory] + arguments + ["--output", output]
        process.standardOutput = FileHandle.standardError
        do { try process.run() } catch {
            return .failure(Skipped(reason: "/usr/bin/env \(python) could not start: \(error)"))
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return .failure(
                Skipped(
                    reason: "\(python) \(name) ended with status \(process.terminationStatus) (its message is above)"))
        }
        let written = try Data(contentsOf: URL(fileURLWithPath: output))
        if let skipped = try JSONDecoder().decode(Refusal.self, from: written).skipped {
            return .failure(Skipped(reason: skipped))
        }
        return .success(try JSONDecoder().decode(Output.self, from: written))
    }
}

extension Array where Element: BitwiseCopyable {
    /// The elements' bytes, in this machine's order (little-endian where the benchmark runs),
    /// as the twins read them with NumPy's `fromfile`.
    var bytes: Data { withUnsafeBytes { Data($0) } }
}
