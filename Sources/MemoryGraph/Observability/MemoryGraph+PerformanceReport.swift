import Foundation

extension MemoryGraph {
    /// Sizes, cache use, query latencies (HDR histogram: mean, p50, p99), write and commit
    /// counts, file and memory use, since the graph was opened.
    public func performanceReport() throws -> PerformanceReport {
        let statistics = try statistics()
        let info = try translatingErrors { try environment.info() }
        let queries = activity.queries
        let fileSize =
            (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? nil
        return PerformanceReport(
            nodes: statistics.nodes, agents: statistics.agents, contexts: statistics.contexts,
            bundles: statistics.bundles, cacheHitRate: cacheStatistics.hitRate, queries: queries.count,
            queryMeanMicroseconds: queries.mean, queryP50Microseconds: queries.p50, queryP99Microseconds: queries.p99,
            writes: activity.writes.load(ordering: .relaxed), commits: activity.commits.load(ordering: .relaxed),
            fileBytes: fileSize ?? 0, mappedBytes: info.mapSize, usedBytes: info.usedBytes,
            memoryMegabytes: Double(residentMemoryBytes()) / 1_048_576)
    }
}
