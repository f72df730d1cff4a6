import MemoryGraphCore

/// A vector search's query, ready to be compared with stored embeddings as they lie in the
/// memory map (``Embedding/bytes(of:)``: little-endian `Float`s), without copying them.
struct VectorProbe {
    let query: [Float]
    let metric: VectorMetric
    private let queryNormSquared: Float

    init(_ query: [Float], metric: VectorMetric) {
        self.query = query
        self.metric = metric
        queryNormSquared = VectorMath.dot(query, query)
    }

    /// The score of the embedding stored as `bytes`, `nil` when they are not one of the
    /// query's dimension.
    func score(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard bytes.count == query.count * 4 else { return nil }
        return query.withUnsafeBytes { query in
            let count = self.query.count
            var dot = SIMD8<Float>()
            var storedNorm = SIMD8<Float>()
            var distance = SIMD8<Float>()
            var index = 0
            while index + 8 <= count {
                let a = query.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                let b = Self.stored(bytes, lanesAt: index)
                dot += a * b
                storedNorm += b * b
                let difference = a - b
                distance += difference * difference
                index += 8
            }
            var dotSum = dot.sum()
            var normSum = storedNorm.sum()
            var distanceSum = distance.sum()
            while index < count {
                let a = query.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
                let b = Float(
                    bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                dotSum += a * b
                normSum += b * b
                distanceSum += (a - b) * (a - b)
                index += 1
            }
            switch metric {
            case .dot: return metric.score(dot: dotSum)
            case .euclidean: return metric.score(squaredDistance: distanceSum)
            case .cosine:
                return metric.score(dot: dotSum, queryNormSquared: queryNormSquared, storedNormSquared: normSum)
            }
        }
    }

    /// The 8 stored components from `index` on.
    @inline(__always)
    private static func stored(_ bytes: UnsafeRawBufferPointer, lanesAt index: Int) -> SIMD8<Float> {
        #if _endian(little)
            return bytes.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
        #else
            var lanes = SIMD8<Float>()
            for lane in 0..<8 {
                lanes[lane] = Float(
                    bitPattern: UInt32(
                        littleEndian: bytes.loadUnaligned(fromByteOffset: (index + lane) * 4, as: UInt32.self)))
            }
            return lanes
        #endif
    }
}
