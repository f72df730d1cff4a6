import Foundation
import SeededRandom

/// Seeded random vectors of length 1, one after another in one array of `Float`s (row-major):
/// each component drawn from a standard normal distribution (Box–Muller), then the vector
/// divided by its length, so that the directions are uniform on the sphere.
struct UnitVectors: Sendable {
    let count: Int
    let dimension: Int
    /// Vector `i` is `components[i * dimension ..< (i + 1) * dimension]`.
    let components: [Float]

    init(count: Int, dimension: Int, using random: inout SplitMix64) {
        self.count = count
        self.dimension = dimension
        var components = [Float](repeating: 0, count: count * dimension)
        var spare: Double?
        func normal() -> Double {
            if let value = spare {
                spare = nil
                return value
            }
            // u in (0, 1]: the logarithm stays finite.
            let u = Double((random.next() >> 11) + 1) * 0x1p-53
            let v = Double(random.next() >> 11) * 0x1p-53
            let radius = (-2 * log(u)).squareRoot()
            spare = radius * sin(2 * .pi * v)
            return radius * cos(2 * .pi * v)
        }
        var row = [Double](repeating: 0, count: dimension)
        for vector in 0..<count {
            var squares = 0.0
            for index in 0..<dimension {
                row[index] = normal()
                squares += row[index] * row[index]
            }
            let length = squares.squareRoot()
            for index in 0..<dimension { components[vector * dimension + index] = Float(row[index] / length) }
        }
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
