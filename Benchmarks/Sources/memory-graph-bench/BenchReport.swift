import Foundation

/// Every figure of a run.
struct BenchReport: Codable {
    var nodes: Int
    var seed: UInt64
    var scenarios: [ScenarioResult]
    /// The scenarios on the PostgreSQL backend beside raw SQL (`--compare postgres`).
    var postgres: [ScenarioResult]?
    var memoryGraphDiskBytes: Int
    var sqliteDiskBytes: Int?
    var peakResidentBytes: Int

    /// A Markdown table: throughput, latency percentiles (µs) and the ratio per scenario.
    var table: String {
        func row(_ name: String, _ engine: String, _ measurement: Measurement, _ ratio: String) -> String {
            String(
                format: "| %@ | %@ | %.0f | %.1f | %.1f | %.1f | %@ |", name, engine, measurement.operationsPerSecond,
                measurement.p50 / 1_000, measurement.p99 / 1_000, measurement.p999 / 1_000, ratio)
        }
        let header = [
            "| scenario | engine | ops/s | p50 µs | p99 µs | p99.9 µs | MemoryGraph ÷ other |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        var lines = header
        for result in scenarios {
            lines.append(row("\(result.id) \(result.title)", "MemoryGraph", result.memoryGraph, ""))
            if let baseline = result.baseline {
                lines.append(row("", result.baselineName, baseline, String(format: "%.2f×", result.ratio ?? 0)))
            }
            if let raw = result.rawLMDB {
                let share = result.memoryGraph.operationsPerSecond / max(raw.operationsPerSecond, 1e-9)
                lines.append(row("", "raw LMDB (mdb_get)", raw, String(format: "%.2f×", share)))
            }
        }
        if let postgres {
            lines += ["", "PostgreSQL backend:", ""] + header
            for result in postgres {
                lines.append(row("\(result.id) \(result.title)", "MemoryGraph (PostgreSQL)", result.memoryGraph, ""))
                if let baseline = result.baseline {
                    lines.append(row("", result.baselineName, baseline, String(format: "%.2f×", result.ratio ?? 0)))
                }
            }
        }
        lines.append("")
        for detail in (scenarios + (postgres ?? [])).compactMap(\.detail) { lines.append(detail) }
        lines.append(
            "on disk: MemoryGraph \(megabytes(memoryGraphDiskBytes))"
                + (sqliteDiskBytes.map { " · SQLite \(megabytes($0))" } ?? "")
                + " · peak RSS of the process \(megabytes(peakResidentBytes))")
        return lines.joined(separator: "\n")
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
}
