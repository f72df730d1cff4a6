import Dispatch
package import Metrics
import NIOConcurrencyHelpers

/// The swift-metrics instruments of one graph, created once and reused.
///
/// | metric | kind | dimensions |
/// |---|---|---|
/// | `memory_graph_operations_total` | counter | `operation` |
/// | `memory_graph_operation_duration_seconds` | timer | `operation` |
/// | `memory_graph_cache_hits_total`, `…_misses_total`, `…_evictions_total` | counter | |
/// | `memory_graph_commits_total` | counter | |
/// | `memory_graph_writes_per_commit` | recorder | |
/// | `memory_graph_nodes` | gauge | |
///
/// A backend adds gauges of its own storage through ``gauge(_:)`` (LMDB: map size, bytes used,
/// reader slots).
package final class StoreMetrics: Sendable {
    /// The instruments `configuration` asks for: `nil` with metrics off, or when the factory
    /// is swift-metrics' no-op one (instruments keep the factory they were made with, so with it
    /// nothing would ever be recorded, and nothing is measured either).
    package static func make(for configuration: MemoryGraph.Configuration) -> StoreMetrics? {
        let factory = configuration.metricsFactory ?? MetricsSystem.factory
        return configuration.enableMetrics && !(factory is NOOPMetricsHandler) ? StoreMetrics(factory: factory) : nil
    }

    private let factory: any MetricsFactory
    private typealias Instruments = (count: Counter, duration: Timer)
    private let perOperation = LockedValue<[String: Instruments]>([:])
    /// The instruments of each `#function` string a read passed, keyed by its address: found
    /// without hashing or trimming the name on every call.
    private let perFunction = LockedValue<[UInt: Instruments]>([:])
    package let cacheHits: Counter
    package let cacheMisses: Counter
    package let cacheEvictions: Counter
    package let commits: Counter
    package let writesPerCommit: Recorder
    package let nodes: Gauge

    package init(factory: any MetricsFactory) {
        self.factory = factory
        cacheHits = Counter(label: "memory_graph_cache_hits_total", factory: factory)
        cacheMisses = Counter(label: "memory_graph_cache_misses_total", factory: factory)
        cacheEvictions = Counter(label: "memory_graph_cache_evictions_total", factory: factory)
        commits = Counter(label: "memory_graph_commits_total", factory: factory)
        writesPerCommit = Recorder(label: "memory_graph_writes_per_commit", factory: factory)
        nodes = Gauge(label: "memory_graph_nodes", factory: factory)
    }

    /// A gauge labelled `label`, made by this graph's factory: for a backend's own figures.
    package func gauge(_ label: String) -> Gauge {
        Gauge(label: label, factory: factory)
    }

    /// Counts one call of the operation named by `function` (a `#function` or a name) that took
    /// `nanoseconds`.
    package func record(function: StaticString, nanoseconds: UInt64) {
        guard function.hasPointerRepresentation else {
            return record(operationName(function.description), nanoseconds: nanoseconds)
        }
        let key = UInt(bitPattern: function.utf8Start)
        let instruments =
            perFunction.withLockedValue { $0[key] }
            ?? {
                let created = self.instruments(for: operationName(function.description))
                perFunction.withLockedValue { $0[key] = created }
                return created
            }()
        instruments.count.increment()
        instruments.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Counts one call of `operation` that took `nanoseconds`.
    package func record(_ operation: String, nanoseconds: UInt64) {
        let instruments = instruments(for: operation)
        instruments.count.increment()
        instruments.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    private func instruments(for operation: String) -> Instruments {
        perOperation.withLockedValue { table in
            if let existing = table[operation] { return existing }
            let dimensions = [("operation", operation)]
            let created = (
                count: Counter(label: "memory_graph_operations_total", dimensions: dimensions, factory: factory),
                duration: Timer(
                    label: "memory_graph_operation_duration_seconds", dimensions: dimensions,
                    preferredDisplayUnit: .seconds, factory: factory)
            )
            table[operation] = created
            return created
        }
    }
}

/// The name of a public operation from its `#function` (the part before the parenthesis).
package func operationName(_ function: String) -> String {
    String(function.prefix { $0 != "(" })
}

/// Nanoseconds since an arbitrary, monotonic origin.
package func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}
