/// The rules every embedding and query vector follows, and how one is stored as bytes.
///
/// An embedding is a caller's `[Float]`: the library computes none. Every embedding of a store
/// has the same number of components, its dimension, fixed by the first embedding stored (or by
/// ``MemoryGraph/Configuration/embeddingDimension``); one of another dimension is refused.
public enum Embedding {
    /// The most components an embedding may have.
    public static let maximumDimension = 4_096
    /// The bound on an embedding's squared length: a quarter of the largest `Float`, so that
    /// every dot product and squared distance of two embeddings stays finite.
    public static let maximumSquaredLength = Float.greatestFiniteMagnitude / 4

    /// Checks `vector` as an embedding or query vector named `what`: 1 to ``maximumDimension``
    /// components, each finite, and of `dimension` components when one is given.
    package static func check(_ vector: [Float], _ what: String, dimension: Int? = nil) throws {
        guard !vector.isEmpty else {
            throw MemoryGraphError(.invalidArgument, "\(what) has no components; give at least one")
        }
        guard vector.count <= maximumDimension else {
            throw MemoryGraphError(
                .invalidArgument, "\(what) has \(vector.count) components; at most \(maximumDimension) are stored")
        }
        if let index = vector.firstIndex(where: { !$0.isFinite }) {
            throw MemoryGraphError(
                .invalidArgument, "\(what)[\(index)] is \(vector[index]); every component must be a finite number")
        }
        guard VectorMath.dot(vector, vector) < maximumSquaredLength else {
            throw MemoryGraphError(
                .invalidArgument,
                "\(what) is too long to compare in 32-bit floats (its squared length must stay below "
                    + "\(maximumSquaredLength)); scale it down, or normalise it to length 1")
        }
        if let dimension { try self.dimension(of: vector, matches: dimension, what) }
    }

    /// Throws unless `vector` has `dimension` components.
    package static func dimension(of vector: [Float], matches dimension: Int, _ what: String) throws {
        guard vector.count == dimension else {
            throw MemoryGraphError(
                .invalidArgument,
                "\(what) has \(vector.count) components, but the store's embeddings have \(dimension); "
                    + "give vectors of one dimension (one embedding model) per store")
        }
    }

    /// `vector` as stored: each component's IEEE 754 bits, little-endian, 4 bytes each.
    package static func bytes(of vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for component in vector {
            let bits = component.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        return bytes
    }

    /// The vector stored as `bytes` (see ``bytes(of:)``); `nil` when their count is not a
    /// multiple of 4.
    package static func vector(from bytes: some Collection<UInt8>) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(bytes.count / 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
            let bits = UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
            vector.append(Float(bitPattern: bits))
        }
        return vector
    }
}

/// A node a vector search found: its id and score (see ``VectorMetric``).
public struct ScoredNodeID: Sendable, Hashable {
    /// The node.
    public var id: NodeID
    /// How near its embedding is to the query vector; higher is nearer.
    public var score: Double

    /// A hit of node `id` scoring `score`.
    public init(id: NodeID, score: Double) {
        self.id = id
        self.score = score
    }
}

/// The best `limit` of the scored ids offered to it: higher scores first, ties by id, newest
/// (greatest) first, the order every backend's vector search returns.
package struct TopScores {
    private let limit: Int
    private var kept: [ScoredNodeID] = []

    /// Keeps at most `limit` ids (none for a limit below 1).
    package init(limit: Int) {
        self.limit = max(0, limit)
        kept.reserveCapacity(min(self.limit, 1_024) + 1)
    }

    private static func ranksBefore(_ a: ScoredNodeID, _ b: ScoredNodeID) -> Bool {
        a.score != b.score ? a.score > b.score : a.id > b.id
    }

    /// Offers node `id` with `score`.
    package mutating func offer(_ id: NodeID, score: Double) {
        guard limit > 0 else { return }
        let candidate = ScoredNodeID(id: id, score: score)
        if kept.count == limit, let last = kept.last, !Self.ranksBefore(candidate, last) { return }
        var index = kept.count
        while index > 0, Self.ranksBefore(candidate, kept[index - 1]) { index -= 1 }
        kept.insert(candidate, at: index)
        if kept.count > limit { kept.removeLast() }
    }

    /// The kept ids, best first.
    package var best: [ScoredNodeID] { kept }
}
