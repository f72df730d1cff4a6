import Foundation

/// Seeded stand-ins for the embeddings a model gives: unit vectors that vary along a few hidden
/// directions, as embeddings of real text do, rather than uniformly over the sphere.
///
/// Each vector is `W·z + noise`, normalised: `z` has `latentDimension` standard normal
/// components, `W` is one fixed random `dimension × latentDimension` matrix per sample, and the
/// noise is normal with `noise` times a component's typical size. Uniform random vectors have
/// no near neighbours worth the name (every pair is about equally far apart), which no
/// approximate index, and no real workload, has to face.
///
/// ```swift
/// var random = SplitMix64(seed: 7)
/// let sample = EmbeddingSample(dimension: 384, using: &random)
/// let vectors = (0..<1_000).map { _ in sample.next(using: &random) }
/// ```
public struct EmbeddingSample: Sendable {
    /// The number of components of every vector.
    public let dimension: Int
    /// The number of hidden directions the vectors vary along.
    public let latentDimension: Int
    /// The noise's size against a component's.
    public let noise: Double
    private let weights: [Double]

    /// A sample of `dimension`-component vectors whose matrix is drawn from `random`.
    public init(
        dimension: Int, latentDimension: Int = 16, noise: Double = 0.2, using random: inout some RandomNumberGenerator
    ) {
        self.dimension = dimension
        self.latentDimension = latentDimension
        self.noise = noise
        weights = (0..<dimension * latentDimension).map { _ in Self.normal(using: &random) }
    }

    /// The next vector, of length 1.
    public func next(using random: inout some RandomNumberGenerator) -> [Float] {
        let latent = (0..<latentDimension).map { _ in Self.normal(using: &random) }
        let spread = Double(latentDimension).squareRoot()
        var vector = (0..<dimension).map { row in
            var sum = 0.0
            for column in 0..<latentDimension { sum += weights[row * latentDimension + column] * latent[column] }
            return sum + noise * spread * Self.normal(using: &random)
        }
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if length > 0 { vector = vector.map { $0 / length } }
        return vector.map(Float.init)
    }

    /// A standard normal number (Box–Muller).
    private static func normal(using random: inout some RandomNumberGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
