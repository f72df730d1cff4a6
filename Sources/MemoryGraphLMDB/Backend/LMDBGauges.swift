import MemoryGraphCore
import Metrics

/// The LMDB backend's own gauges, recorded after each commit: how large the memory map is, how
/// much of it is in use, and LMDB's high-water mark of reader slots taken (`mdb_env_info`).
///
/// | metric | kind |
/// |---|---|
/// | `memory_graph_map_size_bytes`, `memory_graph_used_bytes`, `memory_graph_readers_in_use` | gauge |
struct LMDBGauges: Sendable {
    let mapSize: Gauge
    let usedBytes: Gauge
    let readersInUse: Gauge

    init(_ metrics: StoreMetrics) {
        mapSize = metrics.gauge("memory_graph_map_size_bytes")
        usedBytes = metrics.gauge("memory_graph_used_bytes")
        readersInUse = metrics.gauge("memory_graph_readers_in_use")
    }
}
