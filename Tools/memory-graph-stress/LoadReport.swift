import Foundation
import Histogram
import MemoryGraph

/// What a load test measured and found.
struct LoadReport: Codable {
    struct Operation: Codable {
        var kind: String
        var count: Int
        var perSecond: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        var p999Microseconds: Double
    }

    var operations: [Operation]
    /// What each commit of the test waited for.
    var durability: MemoryGraph.Durability
    var errors: Int
    var readsPerSecondAlone: Double
    var readsPerSecondWithWriters: Double
    var acknowledgedWrites: Int
    var lost: Int
    var verified: Bool
    var cacheHitRate: Double
    var cacheDrops: Int

    init(
        recorders: [LoadTestCommand.Recorder], seconds: Double, phaseSeconds: [LoadPhase: Double],
        acknowledged: [AcknowledgedWrites], durability: MemoryGraph.Durability, graph: MemoryGraph
    ) throws {
        self.durability = durability
        var merged: [String: Histogram<UInt64>] = [:]
        for recorder in recorders {
            for (kind, histogram) in recorder.histograms {
                merged[
                    kind,
                    default: Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
                ]
                .add(histogram)
            }
        }
        operations = merged.keys.sorted().compactMap { kind in
            guard let histogram = merged[kind] else { return nil }
            let active = kind == "write" ? phaseSeconds[.withWriters, default: seconds] : seconds
            return Operation(
                kind: kind, count: Int(histogram.totalCount), perSecond: Double(histogram.totalCount) / active,
                p50Microseconds: Double(histogram.valueAtPercentile(50)) / 1_000,
                p99Microseconds: Double(histogram.valueAtPercentile(99)) / 1_000,
                p999Microseconds: Double(histogram.valueAtPercentile(99.9)) / 1_000)
        }
        errors = recorders.reduce(0) { $0 + $1.errors }
        func readsPerSecond(_ phase: LoadPhase) -> Double {
            let reads = recorders.reduce(0) { $0 + $1.reads[phase, default: 0] }
            return Double(reads) / max(phaseSeconds[phase, default: 0], 1e-9)
        }
        readsPerSecondAlone = readsPerSecond(.alone)
        readsPerSecondWithWriters = readsPerSecond(.withWriters)
        let writes = acknowledged.flatMap(\.writes)
        acknowledgedWrites = writes.count
        let found = try graph.nodes(writes.map(\.id))
        var lost = found.filter { $0 == nil }.count
        // Indexed too: each write's own recall contains it.
        for write in writes.prefix(2_000) {
            let recalled = try graph.recall(agentID: write.agent, taskContext: write.context).map(\.id)
            if !recalled.contains(write.id) { lost += 1 }
        }
        self.lost = lost
        verified = try graph.verify().isClean
        cacheHitRate = graph.cacheStatistics.hitRate
        cacheDrops = graph.cacheStatistics.externalInvalidations
    }

    var text: String {
        var lines = [
            "| operation | count | ops/s | p50 µs | p99 µs | p99.9 µs |", "|---|---:|---:|---:|---:|---:|",
        ]
        for operation in operations {
            lines.append(
                String(
                    format: "| %@ | %d | %.0f | %.1f | %.1f | %.1f |", operation.kind, operation.count,
                    operation.perSecond,
                    operation.p50Microseconds, operation.p99Microseconds, operation.p999Microseconds))
        }
        lines.append("")
        lines.append(
            String(
                format: "reads/s: %.0f alone, %.0f with writers (%.0f %%) · cache hit rate %.1f %% · cache drops %d",
                readsPerSecondAlone, readsPerSecondWithWriters,
                readsPerSecondWithWriters / max(readsPerSecondAlone, 1) * 100, cacheHitRate * 100, cacheDrops))
        lines.append(
            "durability \(durability.rawValue) · errors \(errors) · acknowledged writes \(acknowledgedWrites) · "
                + "lost \(lost) · verify " + (verified ? "clean" : "found problems"))
        return lines.joined(separator: "\n")
    }
}
