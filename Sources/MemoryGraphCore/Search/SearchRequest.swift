/// A search by content: the words to find, a vector to come near, or both; and which nodes may
/// be found.
///
/// ```swift
/// var request = SearchRequest(text: "flight plan*")
/// request.filter.agentIDs = ["planner"]
/// request.limit = 5
/// let hits = try await graph.search(request)
///
/// let similar = try await graph.search(SearchRequest(nearest: embedding, metric: .cosine))
/// let both = try await graph.search(SearchRequest(text: "flight plan", nearest: embedding))
/// ```
public struct SearchRequest: Sendable, Hashable {
    /// The words to find (see ``SearchTerm/parse(_:)``: a trailing `*` makes a word a prefix);
    /// `nil` for a vector search alone.
    public var text: String?
    /// The vector whose nearest embeddings to find (see ``NodeDraft/embedding``); `nil` for a
    /// text search alone. With ``text`` too, the two rankings are fused (``SearchFusion``).
    public var nearest: [Float]?
    /// How ``nearest`` is compared with the embeddings. Default: ``VectorMetric/cosine``.
    public var metric: VectorMetric
    /// Which nodes may be found: every criterion of the query applies inside the search, so the
    /// result is the best ``limit`` among the nodes that match it. Its `limit` and `order` are
    /// not used.
    public var filter: MemoryQuery
    /// How many nodes to return at most (k), 1 to ``SearchRequest/maximumLimit``. Default: 10.
    public var limit: Int
    /// Whether a node must hold every word of ``text`` or any of them. Default: ``SearchMatching/all``.
    public var matching: SearchMatching

    /// The largest ``limit``.
    public static let maximumLimit = 1_000
    /// The longest ``text``, in UTF-8 bytes.
    public static let maximumTextLength = 4_096
    /// The most distinct words a ``text`` may hold.
    public static let maximumTerms = 32

    /// A search for `text`, near `nearest`, or both (give at least one).
    public init(
        text: String? = nil, nearest: [Float]? = nil, metric: VectorMetric = .cosine,
        filter: MemoryQuery = MemoryQuery(),
        limit: Int = 10, matching: SearchMatching = .all
    ) {
        self.text = text
        self.nearest = nearest
        self.metric = metric
        self.filter = filter
        self.limit = limit
        self.matching = matching
    }
}

/// A node a search found, with its score (higher is better): ``BM25`` for a text search, the
/// ``VectorMetric``'s score for a vector search, ``SearchFusion``'s for both.
public struct SearchHit: Sendable, Hashable {
    /// The node.
    public var node: MemoryNode
    /// Its score for the search.
    public var score: Double

    /// A hit of `node` scoring `score`.
    public init(node: MemoryNode, score: Double) {
        self.node = node
        self.score = score
    }
}
