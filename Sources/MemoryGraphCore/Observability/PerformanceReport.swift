import Foundation

/// A snapshot of a graph's size and behaviour since it was opened; returned by
/// ``MemoryGraph/performanceReport()``. Print it for people, encode it (`Codable`) for tools.
public struct PerformanceReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Nodes stored.
    public var nodes: Int
    /// Distinct agents.
    public var agents: Int
    /// Distinct task contexts.
    public var contexts: Int
    /// Bundles stored.
    public var bundles: Int
    /// Share of node reads answered by the cache (0 when caching is off or nothing was read).
    public var cacheHitRate: Double
    /// Calls of `query`, `queryIDs` and `count`.
    public var queries: Int
    /// Their mean latency, in microseconds.
    public var queryMeanMicroseconds: Double
    /// Their median latency, in microseconds.
    public var queryP50Microseconds: Double
    /// Their 99th-percentile latency, in microseconds.
    public var queryP99Microseconds: Double
    /// Writes committed.
    public var writes: Int
    /// Transactions committed (fewer than writes with group commit).
    public var commits: Int
    /// Bytes the store takes in its storage (a file's size on disk; 0 where the backend does
    /// not say).
    public var storageBytes: Int
    /// Resident memory of the process, in MB (0 where the platform does not say).
    public var memoryMegabytes: Double

    /// A few aligned lines.
    public var description: String {
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return [
            "nodes \(nodes) · agents \(agents) · contexts \(contexts) · bundles \(bundles)",
            String(format: "cache hit rate %.1f%%", cacheHitRate * 100),
            String(
                format: "queries %d · mean %.1f µs · p50 %.0f µs · p99 %.0f µs", queries, queryMeanMicroseconds,
                queryP50Microseconds, queryP99Microseconds),
            "writes \(writes) in \(commits) commits",
            "storage \(megabytes(storageBytes))" + String(format: " · memory %.1f MB", memoryMegabytes),
        ].joined(separator: "\n")
    }
}

/// The resident set size of this process in bytes, from `/proc/self/statm`; 0 elsewhere.
package func residentMemoryBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
