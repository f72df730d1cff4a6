import Foundation
import SeededRandom

/// Draws ranks `0..<count` with probability proportional to 1 / (rank + 1)^s: a few ranks are
/// drawn often, most rarely, as task contexts are in an agent's memory.
///
/// ```swift
/// let sampler = ZipfSampler(count: 2_000, exponent: 1.0)
/// var random = SplitMix64(seed: 42)
/// let rank = sampler.next(using: &random)  // 0 most often
/// ```
public struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    /// A sampler of `count` ranks with the exponent `exponent` (s).
    public init(count: Int, exponent: Double) {
        var total = 0.0
        cumulative = (0..<count).map { rank in
            total += 1 / pow(Double(rank + 1), exponent)
            return total
        }
    }

    /// The next rank, drawn with `random`.
    public func next(using random: inout some RandomNumberGenerator) -> Int {
        let target = Double.random(in: 0..<(cumulative.last ?? 1), using: &random)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
