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
    /// query's dimension. Each metric sums only what it needs: the dot product (with the stored
    /// vector's squared length for cosine), or the squared distance.
    func score(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard bytes.count == query.count * 4 else { return nil }
        return query.withUnsafeBytes { query in
            let count = self.query.count
            var first = SIMD8<Float>()
            var second = SIMD8<Float>()
            var index = 0
            switch metric {
            case .dot, .cosine:
                let norms = metric == .cosine
                while index + 8 <= count {
                    let a = query.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                    let b = Self.stored(bytes, lanesAt: index)
                    first += a * b
                    if norms { second += b * b }
                    index += 8
                }
            case .euclidean:
                while index + 8 <= count {
                    let difference =
                        query.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                        - Self.stored(bytes, lanesAt: index)
                    first += difference * difference
                    index += 8
                }
            }
            var firstSum = first.sum()
            var secondSum = second.sum()
            while index < count {
                let a = query.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
                let b = Float(
                    bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                if metric == .euclidean {
                    firstSum += (a - b) * (a - b)
                } else {
                    firstSum += a * b
                    secondSum += b * b
                }
                index += 1
            }
            switch metric {
            case .dot: return metric.score(dot: firstSum)
            case .euclidean: return metric.score(squaredDistance: firstSum)
            case .cosine:
                return metric.score(dot: firstSum, queryNormSquared: queryNormSquared, storedNormSquared: secondSum)
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

extension VectorProbe {
    /// The vector stored as `bytes` (little-endian `Float`s), `nil` when they are not whole
    /// components: ``Embedding/vector(from:)`` for bytes in the map, without a generic walk.
    static func vector(from bytes: UnsafeRawBufferPointer) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        return (0..<bytes.count / 4).map { index in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        }
    }
}
