import Histogram
import NIOConcurrencyHelpers
package import Synchronization

/// What a graph did since it was opened, for ``MemoryGraph/performanceReport()``: query
/// latencies in an HDR histogram (microseconds, 3 significant digits) and write counts.
package final class Activity: Sendable {
    private let queryLatencies = LockedValue(
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three))
    package let writes = Atomic<Int>(0)
    package let commits = Atomic<Int>(0)

    /// Records one query that took `nanoseconds`.
    package func recordQuery(nanoseconds: UInt64) {
        let micros = max(1, nanoseconds / 1_000)
        queryLatencies.withLockedValue { _ = $0.record(min(micros, 3_600_000_000)) }
    }

    /// Count, mean, median and 99th percentile of the queries, in microseconds.
    package var queries: (count: Int, mean: Double, p50: Double, p99: Double) {
        queryLatencies.withLockedValue { histogram in
            guard histogram.totalCount > 0 else { return (0, 0, 0, 0) }
            return (
                Int(histogram.totalCount), histogram.mean, Double(histogram.valueAtPercentile(50)),
                Double(histogram.valueAtPercentile(99))
            )
        }
    }
}
