import Foundation
import SeededRandom

/// Seeded vectors of length 1, one after another in one array of `Float`s (row-major), drawn
/// from an ``EmbeddingSample``: they vary along its few hidden directions plus noise, as
/// embeddings of real text do, so that a vector has near neighbours worth finding (uniform random
/// vectors are all about equally far apart, and no approximate index reaches a useful recall on
/// them). The flat layout is what the twins read (`Benchmarks/vectors/*.py`).
struct UnitVectors: Sendable {
    let count: Int
    let dimension: Int
    /// Vector `i` is `components[i * dimension ..< (i + 1) * dimension]`.
    let components: [Float]

    /// `count` vectors of `sample`, drawn one after another from `random`.
    init(count: Int, sample: EmbeddingSample, using random: inout SplitMix64) {
        self.count = count
        self.dimension = sample.dimension
        var components: [Float] = []
        components.reserveCapacity(count * sample.dimension)
        for _ in 0..<count { components += sample.next(using: &random) }
        self.components = components
    }

    /// Vector `index` as an array.
    subscript(index: Int) -> [Float] { Array(components[index * dimension..<(index + 1) * dimension]) }

    /// The cosine of vector `index` with `query`, summed in `Double`: the exact score a tie is
    /// judged by.
    func cosine(_ index: Int, _ query: [Float]) -> Double {
        var dot = 0.0
        var norm = 0.0
        var queryNorm = 0.0
        for component in 0..<dimension {
            let a = Double(components[index * dimension + component])
            let b = Double(query[component])
            dot += a * b
            norm += a * a
            queryNorm += b * b
        }
        return dot / (norm * queryNorm).squareRoot()
    }

    /// The `k` vectors among `rows` (all when `nil`) with the greatest dot product with `query`,
    /// best first: the brute force that checks a search when NumPy is not at hand.
    func nearest(_ query: [Float], among rows: [Int]?, k: Int) -> [Int] {
        var best: [(row: Int, score: Float)] = []
        func offer(_ row: Int) {
            var lanes = SIMD8<Float>()
            var sum: Float = 0
            components.withUnsafeBytes { all in
                query.withUnsafeBytes { query in
                    let base = row * dimension * 4
                    var index = 0
                    while index + 8 <= dimension {
                        lanes +=
                            all.loadUnaligned(fromByteOffset: base + index * 4, as: SIMD8<Float>.self)
                            * query.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                        index += 8
                    }
                    sum = lanes.sum()
                    while index < dimension {
                        sum +=
                            all.loadUnaligned(fromByteOffset: base + index * 4, as: Float.self)
                            * query.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
                        index += 1
                    }
                }
            }
            guard best.count < k || sum > best[best.count - 1].score else { return }
            var position = best.count
            while position > 0, sum > best[position - 1].score { position -= 1 }
            best.insert((row, sum), at: position)
            if best.count > k { best.removeLast() }
        }
        if let rows { rows.forEach(offer) } else { (0..<count).forEach(offer) }
        return best.map(\.row)
    }
}
