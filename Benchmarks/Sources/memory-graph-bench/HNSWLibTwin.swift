import Foundation

/// S10a's twin: `Benchmarks/vectors/hnswlib_twin.py`, run by a Python with NumPy and hnswlib,
/// which builds hnswlib's HNSW index over the same vectors (cosine, on one thread) and measures
/// recall@k and single-query latencies over a ladder of `ef`, unfiltered and with the same
/// filters (a Python callable over its labels), against the exact answers given to it.
struct HNSWLibTwin {
    /// The `ef` values the script measures, ascending.
    static let ladder = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256]

    /// One `ef`'s figures: the recall of every query's answer against the exact one, how many
    /// queries found too few neighbours (hnswlib raises then; they count as answering nothing),
    /// and the timed run's latencies.
    struct Point: Decodable {
        var ef: Int
        var recall: Double
        var short: Int
        var latencies: [UInt64]
        var seconds: Double

        var measurement: Measurement { Measurement(latencies: latencies, seconds: seconds) }

        private enum CodingKeys: String, CodingKey {
            case ef, recall, short, seconds
            case latencies = "latencies_ns"
        }
    }

    /// An `ef` whose filtered recall was measured, untimed.
    struct Recall: Decodable {
        var ef: Int
        var recall: Double
        var short: Int
    }

    /// What the script wrote.
    struct Output: Decodable {
        var hnswlib: String?
        var numpy: String?
        var python: String?
        var buildSeconds: Double?
        var unfiltered: [Point]?
        var filtered: [Point]?
        var filteredRecalls: [Recall]?
        var broad: [Point]?

        private enum CodingKeys: String, CodingKey {
            case hnswlib, numpy, python, unfiltered, filtered, broad
            case buildSeconds = "build_seconds"
            case filteredRecalls = "filtered_recalls"
        }
    }

    /// The script's figures.
    struct Figures {
        /// Every `ef` of the ladder, ascending.
        var unfiltered: [Point]
        /// The `filteredBreadth` the script was run with (MemoryGraph's `ef`) and the first `ef`
        /// reaching each filtered target, ascending.
        var filtered: [Point]
        /// The filtered recall up the ladder, until the highest target was reached.
        var filteredRecalls: [Recall]
        /// With S10ab's broad filters, every `ef` of the ladder, ascending (empty without them).
        var broad: [Point]
        /// How long building the index took (one `add_items` of every vector, one thread).
        var buildSeconds: Double
        var versions: String

        /// The point of smallest `ef` among `points` whose recall is at least `recall`; `nil`
        /// when none reaches it.
        static func first(_ points: [Point], reaching recall: Double) -> Point? {
            points.sorted { $0.ef < $1.ef }.first { $0.recall >= recall - 1e-9 }
        }
    }

    /// The interpreter that runs the script (a name on the `PATH` or a path).
    var python: String
    /// The directory the files are written to (and removed from afterwards).
    var directory: String

    /// Runs the script on `vectors`, `queries`, the filters' `masks` (one byte per vector for each
    /// query, 1 where the filter keeps it) and the `exact` top-`k` rows of every query, with the
    /// index shape of `neighbors` (M) and `constructionBreadth` (ef_construction); the filtered
    /// ladder goes up until its recall reaches the highest of `filteredTargets`, and is timed at
    /// `filteredBreadth` and at the first `ef` reaching each target. With `broad` (S10ab's filters:
    /// their masks and exact answers), every `ef` of the ladder is timed with them too. Its figures, or
    /// `.failure` with the reason it was skipped (no such interpreter, NumPy or hnswlib missing,
    /// the script failed).
    func run(
        vectors: UnitVectors, queries: UnitVectors, masks: [UInt8], exact: (unfiltered: [[Int]], filtered: [[Int]]),
        broad: (masks: [UInt8], exact: [[Int]])? = nil, k: Int, neighbors: Int, constructionBreadth: Int,
        filteredTargets: [Double], filteredBreadth: Int, repetitions: Int
    ) throws -> Result<Figures, TwinScript.Skipped> {
        /// Every query's rows, `k` a query, -1 after the last.
        func rows(_ answers: [[Int]]) -> Data {
            answers.flatMap { rows in (0..<k).map { $0 < rows.count ? Int32(rows[$0]) : -1 } }.bytes
        }
        let script = TwinScript(name: "hnswlib_twin.py", python: python, directory: directory)
        var files: [(name: String, bytes: Data)] = [
            ("vectors.f32", vectors.components.bytes), ("queries.f32", queries.components.bytes),
            ("masks.u8", Data(masks)), ("exact.i32", rows(exact.unfiltered)),
            ("exact-filtered.i32", rows(exact.filtered)),
        ]
        if let broad { files += [("masks-broad.u8", Data(broad.masks)), ("exact-broad.i32", rows(broad.exact))] }
        let outcome = try script.run(
            files: files,
            arguments: [
                "--count", "\(vectors.count)", "--dimension", "\(vectors.dimension)", "--queries", "\(queries.count)",
                "--k", "\(k)", "--repetitions", "\(repetitions)", "--m", "\(neighbors)", "--ef-construction",
                "\(constructionBreadth)", "--ef", Self.ladder.map(String.init).joined(separator: ","),
                "--filtered-targets", filteredTargets.map { String($0) }.joined(separator: ","), "--filtered-ef",
                "\(filteredBreadth)",
            ] + (broad == nil ? [] : ["--broad"]), as: Output.self)
        return outcome.flatMap { output in
            guard let unfiltered = output.unfiltered, let filtered = output.filtered, !unfiltered.isEmpty,
                !filtered.isEmpty, let buildSeconds = output.buildSeconds
            else {
                return .failure(TwinScript.Skipped(reason: "\(script.name) wrote no figures"))
            }
            return .success(
                Figures(
                    unfiltered: unfiltered, filtered: filtered, filteredRecalls: output.filteredRecalls ?? [],
                    broad: output.broad ?? [], buildSeconds: buildSeconds,
                    versions: "hnswlib \(output.hnswlib ?? "?") with NumPy \(output.numpy ?? "?") on Python "
                        + "\(output.python ?? "?") (\(python))"))
        }
    }
}
