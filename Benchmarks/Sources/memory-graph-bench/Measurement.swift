import Dispatch
import Foundation
import Histogram

/// Latencies of one scenario on one engine, in nanoseconds, and its throughput.
struct Measurement: Codable {
    var operations: Int
    var seconds: Double
    var p50: Double
    var p99: Double
    var p999: Double

    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }

    /// Times `count` calls of `operation(i)`, each one into an HDR histogram.
    static func time(_ count: Int, _ operation: (Int) throws -> Void) rethrows -> Measurement {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let before = DispatchTime.now().uptimeNanoseconds
            try operation(index)
            _ = histogram.record(max(1, DispatchTime.now().uptimeNanoseconds - before))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Measurement(histogram: histogram, operations: count, seconds: seconds)
    }

    /// Times `count` calls of `operation(i)` that suspend, each one into an HDR histogram.
    static func time(_ count: Int, awaiting operation: (Int) async throws -> Void) async rethrows -> Measurement {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let before = DispatchTime.now().uptimeNanoseconds
            try await operation(index)
            _ = histogram.record(max(1, DispatchTime.now().uptimeNanoseconds - before))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Measurement(histogram: histogram, operations: count, seconds: seconds)
    }

    /// The figures of operations that took `latencies` nanoseconds each, `seconds` in all.
    init(latencies: [UInt64], seconds: Double) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
        for latency in latencies { _ = histogram.record(max(1, latency)) }
        self.init(histogram: histogram, operations: latencies.count, seconds: seconds)
    }

    init(histogram: Histogram<UInt64>, operations: Int, seconds: Double) {
        self.operations = operations
        self.seconds = seconds
        p50 = Double(histogram.valueAtPercentile(50))
        p99 = Double(histogram.valueAtPercentile(99))
        p999 = Double(histogram.valueAtPercentile(99.9))
    }

    /// The repetition with the median throughput.
    static func median(_ runs: [Measurement]) -> Measurement {
        let sorted = runs.sorted { $0.operationsPerSecond < $1.operationsPerSecond }
        return sorted[sorted.count / 2]
    }
}

/// Peak resident memory of this process, from `/proc/self/status` (0 where unavailable).
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.filter(\.isNumber)
        return (Int(digits) ?? 0) * 1024
    }
    return 0
}

/// The bytes of every file under `path`.
func diskBytes(_ path: String) -> Int {
    let files = FileManager.default
    var isDirectory: ObjCBool = false
    guard files.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
    guard isDirectory.boolValue, let names = files.subpaths(atPath: path) else {
        return (try? files.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
    return names.reduce(0) { total, name in
        total + ((try? files.attributesOfItem(atPath: path + "/" + name)[.size] as? Int) ?? 0)
    }
}
