/// One scenario's figures on every engine that ran it.
struct ScenarioResult: Codable {
    var id: String
    var title: String
    var memoryGraph: Measurement
    /// What MemoryGraph is compared with: SQLite, or for S7 per-write commits.
    var baselineName = "SQLite"
    var baseline: Measurement?
    var rawLMDB: Measurement?
    /// Figures beyond throughput and latency, printed under the table.
    var detail: String?

    /// MemoryGraph's throughput over the baseline's (> 1: MemoryGraph is faster).
    var ratio: Double? { baseline.map { memoryGraph.operationsPerSecond / max($0.operationsPerSecond, 1e-9) } }
}
