public import MemoryGraphCore

/// The shape of a store's approximate vector index: a hierarchical navigable small-world graph
/// (HNSW) over the embeddings, kept in the store and changed in the transaction of every write.
///
/// Searches by ``metric`` walk the graph; searches by another metric, and those whose filter
/// matches few nodes, read the candidates' vectors exactly instead.
///
/// ```swift
/// var lmdb = LMDBConfiguration()
/// lmdb.vectorIndex = .hnsw(VectorIndexParameters(metric: .cosine))
/// ```
public struct VectorIndexParameters: Sendable, Hashable, Codable {
    /// The metric the graph's neighbours are chosen by. Default: ``VectorMetric/cosine``.
    public var metric: VectorMetric
    /// How many neighbours a node keeps in each upper layer (twice as many in the bottom one):
    /// HNSW's `M`. More give better recall for more space and slower writes. From 4 to 64.
    /// Default: 16.
    public var neighbors: Int
    /// How many candidates a write considers when it links a node: HNSW's `efConstruction`.
    /// From ``neighbors`` to 1 000. Default: 100.
    public var constructionBreadth: Int
    /// How many candidates a search keeps while it walks the bottom layer (at least its limit):
    /// HNSW's `ef`. More give better recall for slower searches. From 1 to 1 000. Default: 64.
    public var searchBreadth: Int

    /// Parameters with the given values.
    public init(
        metric: VectorMetric = .cosine, neighbors: Int = 16, constructionBreadth: Int = 100, searchBreadth: Int = 64
    ) {
        self.metric = metric
        self.neighbors = neighbors
        self.constructionBreadth = constructionBreadth
        self.searchBreadth = searchBreadth
    }

    /// Throws ``MemoryGraphError/Code/invalidConfiguration`` naming the first value out of range.
    func validate() throws {
        guard (4...64).contains(neighbors) else {
            throw MemoryGraphError(
                .invalidConfiguration, "vectorIndex neighbors must be from 4 to 64, got \(neighbors)")
        }
        guard (neighbors...1_000).contains(constructionBreadth) else {
            throw MemoryGraphError(
                .invalidConfiguration,
                "vectorIndex constructionBreadth must be from neighbors (\(neighbors)) to 1 000, got \(constructionBreadth)"
            )
        }
        guard (1...1_000).contains(searchBreadth) else {
            throw MemoryGraphError(
                .invalidConfiguration, "vectorIndex searchBreadth must be from 1 to 1 000, got \(searchBreadth)")
        }
    }

    /// Whether an index built with `other` is the graph these parameters build: the same metric
    /// and neighbour counts (the search breadth is a setting of searches only).
    func buildsSameGraph(as other: Self) -> Bool {
        metric == other.metric && neighbors == other.neighbors && constructionBreadth == other.constructionBreadth
    }

    /// The most neighbours a node keeps in `layer`.
    func maximumNeighbors(in layer: Int) -> Int { layer == 0 ? 2 * neighbors : neighbors }

    /// How `meta` stores them: the metric (1: 0 cosine, 1 dot, 2 euclidean), then the three
    /// counts (2 each, BE).
    var bytes: [UInt8] {
        var bytes: [UInt8] = [Self.metrics.firstIndex(of: metric).map(UInt8.init) ?? 0]
        for count in [neighbors, constructionBreadth, searchBreadth] {
            bytes += [UInt8(count >> 8), UInt8(count & 0xFF)]
        }
        return bytes
    }

    /// Parameters as ``bytes`` stores them, `nil` when they are damaged.
    init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 7, Int(bytes[0]) < Self.metrics.count else { return nil }
        let counts = (0..<3).map { index -> Int in
            let high = Int(bytes[1 + 2 * index])
            return high << 8 | Int(bytes[2 + 2 * index])
        }
        self.init(
            metric: Self.metrics[Int(bytes[0])], neighbors: counts[0], constructionBreadth: counts[1],
            searchBreadth: counts[2])
        guard (try? validate()) != nil else { return nil }
    }

    private static let metrics: [VectorMetric] = [.cosine, .dot, .euclidean]
}

/// What an open does with the store's approximate vector index.
public enum VectorIndexSetting: Sendable, Hashable {
    /// Keep what the store has: maintain its index if it has one, build none. What every open
    /// that does not care (the `memory-graph` tool's) should use, so it never undoes another
    /// program's choice.
    case keep
    /// Keep an index with these parameters: a writable open builds it when the store has none
    /// or one built otherwise (which takes a while for many embeddings), and stores a new
    /// search breadth.
    case hnsw(VectorIndexParameters)
    /// Remove the store's index: every vector search reads the candidates' vectors exactly.
    case drop
}
