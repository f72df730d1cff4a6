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

    /// What the script wrote.
    struct Output: Decodable {
        var numpy: String?
        var python: String?
        var unfiltered: Side?
        var filtered: Side?
    }

    /// The interpreter that runs the script (a name on the `PATH` or a path).
    var python: String
    /// The directory the files are written to (and removed from afterwards).
    var directory: String

    /// Runs the script on `vectors`, `queries` and the filters' `masks` (one byte per vector for
    /// each query, 1 where the filter keeps it): its figures, or `.failure` with the reason it
    /// was skipped (no such interpreter, NumPy missing, the script failed).
    func run(vectors: UnitVectors, queries: UnitVectors, masks: [UInt8], k: Int, repetitions: Int) throws
        -> Result<(unfiltered: Side, filtered: Side, versions: String), TwinScript.Skipped>
    {
        let script = TwinScript(name: "numpy_twin.py", python: python, directory: directory)
        let outcome = try script.run(
            files: [
                ("vectors.f32", vectors.components.bytes), ("queries.f32", queries.components.bytes),
                ("masks.u8", Data(masks)),
            ],
            arguments: [
                "--count", "\(vectors.count)", "--dimension", "\(vectors.dimension)", "--queries", "\(queries.count)",
                "--k", "\(k)", "--repetitions", "\(repetitions)",
            ], as: Output.self)
        return outcome.flatMap { output in
            guard let unfiltered = output.unfiltered, let filtered = output.filtered,
                unfiltered.ids.count == queries.count, filtered.ids.count == queries.count
            else {
                return .failure(TwinScript.Skipped(reason: "\(script.name) wrote no figures for every query"))
            }
            return .success(
                (unfiltered, filtered, "NumPy \(output.numpy ?? "?") on Python \(output.python ?? "?") (\(python))"))
        }
    }
}
