import Foundation

/// S10's twin: `Benchmarks/vectors/numpy_twin.py`, run by a Python with NumPy, which times the
/// same queries by brute force (a matrix-vector product and `argpartition`, one BLAS thread) on
/// the same vectors, written for it as files.
struct NumPyTwin {
    /// One variant's figures: every query's top-k rows, best first, and the timed run's latencies.
    struct Side: Decodable {
        var ids: [[Int]]
        var latencies: [UInt64]
        var seconds: Double

        var measurement: Measurement { Measurement(latencies: latencies, seconds: seconds) }

        private enum CodingKeys: String, CodingKey {
            case ids, seconds
            case latencies = "latencies_ns"
        }
    }

    /// What the script wrote: the figures, or why it could not give them.
    struct Output: Decodable {
        var skipped: String?
        var numpy: String?
        var python: String?
        var unfiltered: Side?
        var filtered: Side?
    }

    /// The interpreter that runs the script (a name on the `PATH` or a path).
    var python: String
    /// The directory the files are written to (and removed from afterwards).
    var directory: String

    /// The script, beside the sources of this tool.
    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("vectors/numpy_twin.py")
    }

    /// Runs the script on `vectors`, `queries` and the filters' `masks` (one byte per vector for
    /// each query, 1 where the filter keeps it): its figures, or `.failure` with the reason it
    /// was skipped (no such interpreter, NumPy missing, the script failed).
    func run(vectors: UnitVectors, queries: UnitVectors, masks: [UInt8], k: Int, repetitions: Int) throws
        -> Result<(unfiltered: Side, filtered: Side, versions: String), Skipped>
    {
        guard FileManager.default.fileExists(atPath: Self.script.path) else {
            return .failure(Skipped(reason: "\(Self.script.path) is missing"))
        }
        let files = ["vectors.f32", "queries.f32", "masks.u8", "numpy-twin.json"].map { directory + "/" + $0 }
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        try vectors.components.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: files[0])) }
        try queries.components.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: files[1])) }
        try Data(masks).write(to: URL(fileURLWithPath: files[2]))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            python, Self.script.path, "--directory", directory, "--count", "\(vectors.count)", "--dimension",
            "\(vectors.dimension)", "--queries", "\(queries.count)", "--k", "\(k)", "--repetitions", "\(repetitions)",
            "--output", files[3],
        ]
        process.standardOutput = FileHandle.standardError
        do { try process.run() } catch {
            return .failure(Skipped(reason: "/usr/bin/env \(python) could not start: \(error)"))
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return .failure(
                Skipped(
                    reason: "\(python) \(Self.script.lastPathComponent) ended with status \(process.terminationStatus) "
                        + "(its message is above)"))
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(contentsOf: URL(fileURLWithPath: files[3])))
        if let skipped = output.skipped { return .failure(Skipped(reason: skipped)) }
        guard let unfiltered = output.unfiltered, let filtered = output.filtered,
            unfiltered.ids.count == queries.count, filtered.ids.count == queries.count
        else {
            return .failure(Skipped(reason: "\(Self.script.lastPathComponent) wrote no figures for every query"))
        }
        return .success(
            (unfiltered, filtered, "NumPy \(output.numpy ?? "?") on Python \(output.python ?? "?") (\(python))"))
    }

    /// Why the twin did not run.
    struct Skipped: Error {
        var reason: String
    }
}
