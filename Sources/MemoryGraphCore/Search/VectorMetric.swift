/// How a vector search compares a node's embedding with the query vector. Every metric gives a
/// score where higher is nearer, so hits sort the same way whatever the metric.
///
/// | metric | score |
/// |---|---|
/// | ``cosine`` | the cosine of the angle, −1…1 (0 for a stored vector of length 0) |
/// | ``dot`` | the dot product |
/// | ``euclidean`` | the Euclidean distance, negated |
public enum VectorMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// The cosine similarity: the direction alone counts. The default.
    case cosine
    /// The dot product: for vectors normalised to length 1, the same order as ``cosine``, cheaper.
    case dot
    /// The straight-line distance (the score is its negation).
    case euclidean

    /// The score of `stored` against `query`, from sums computed in `Float` lanes of 8.
    ///
    /// - Precondition: both have the same number of components.
    public func score(_ query: [Float], _ stored: [Float]) -> Double {
        precondition(query.count == stored.count, "vectors of different dimensions")
        switch self {
        case .dot: return score(dot: VectorMath.dot(query, stored))
        case .euclidean: return score(squaredDistance: VectorMath.squaredDistance(query, stored))
        case .cosine:
            return score(
                dot: VectorMath.dot(query, stored), queryNormSquared: VectorMath.dot(query, query),
                storedNormSquared: VectorMath.dot(stored, stored))
        }
    }

    /// The ``dot`` score from the dot product: every backend finishes its sums here, so that
    /// equal sums give equal scores.
    package func score(dot: Float) -> Double { Double(dot) }

    /// The ``euclidean`` score from the squared distance.
    package func score(squaredDistance: Float) -> Double { -Double(squaredDistance).squareRoot() }

    /// The ``cosine`` score from the dot product and the squared lengths (0 when one is 0).
    package func score(dot: Float, queryNormSquared: Float, storedNormSquared: Float) -> Double {
        guard queryNormSquared > 0, storedNormSquared > 0 else { return 0 }
        let cosine = Double(dot) / (Double(queryNormSquared) * Double(storedNormSquared)).squareRoot()
        return min(1, max(-1, cosine))
    }
}

/// Sums over two vectors in lanes of 8 floats: the inner loops of the exact vector search.
package enum VectorMath {
    /// The dot product of `a` and `b`, which have the same length.
    package static func dot(_ a: [Float], _ b: [Float]) -> Float {
        let a = a.span
        let b = b.span
        var lanes = SIMD8<Float>()
        var index = 0
        while index + 8 <= a.count {
            lanes += load(a, index) * load(b, index)
            index += 8
        }
        var sum = lanes.sum()
        while index < a.count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    /// The squared Euclidean distance between `a` and `b`, which have the same length.
    package static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
        let a = a.span
        let b = b.span
        var lanes = SIMD8<Float>()
        var index = 0
        while index + 8 <= a.count {
            let difference = load(a, index) - load(b, index)
            lanes += difference * difference
            index += 8
        }
        var sum = lanes.sum()
        while index < a.count {
            let difference = a[index] - b[index]
            sum += difference * difference
            index += 1
        }
        return sum
    }

    @inline(__always)
    private static func load(_ values: Span<Float>, _ index: Int) -> SIMD8<Float> {
        SIMD8(
            values[index], values[index + 1], values[index + 2], values[index + 3], values[index + 4],
            values[index + 5], values[index + 6], values[index + 7])
    }
}
