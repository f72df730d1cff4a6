import Foundation

extension MemoryGraph {
    /// Sizes, cache use, query latencies (HDR histogram: mean, p50, p99), write and commit
    /// counts, storage and memory use, since the graph was opened.
    public func performanceReport() throws -> PerformanceReport {
        let (statistics, usage) = try reading { store in (try store.statistics(), try store.usage()) }
        let queries = activity.queries
        return PerformanceReport(
            nodes: statistics.nodes, agents: statistics.agents, contexts: statistics.contexts,
            bundles: statistics.bundles, cacheHitRate: cacheStatistics.hitRate, queries: queries.count,
            queryMeanMicroseconds: queries.mean, queryP50Microseconds: queries.p50, queryP99Microseconds: queries.p99,
            writes: usage.writes, commits: usage.commits, storageBytes: usage.storageBytes,
            memoryMegabytes: Double(residentMemoryBytes()) / 1_048_576)
    }
}
