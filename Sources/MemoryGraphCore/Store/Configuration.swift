public import Foundation
public import Logging
public import Metrics

extension MemoryGraph {
    /// What a ``MemoryGraph`` allows and how it caches, measures and logs, whatever the backend.
    ///
    /// Options of one backend (where LMDB keeps its files, how it syncs) are that backend's:
    /// `LMDBConfiguration` for the embedded store.
    ///
    /// ```swift
    /// var configuration = MemoryGraph.Configuration()
    /// configuration.maxNodesPerBundle = 200
    /// configuration.cacheMaxSize = 50_000
    /// let graph = try MemoryGraph(path: "memory.lmdb", configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// Offer the `async` forms; when `false` they throw ``MemoryGraphError/Code/asyncDisabled``
        /// (the synchronous forms always work). Default: `true`.
        public var enableAsyncOperations = true
        /// Allow bundle operations; when `false` they throw ``MemoryGraphError/Code/bundlingDisabled``.
        /// Default: `true`.
        public var enableBundling = true
        /// The most nodes one bundle may hold. Default: 50.
        public var maxNodesPerBundle = 50
        /// The largest encoded result plus metadata of one node, in bytes. Default: 1 MiB.
        public var maximumPayloadSize = 1 << 20
        /// Keep recently read nodes decoded in memory (see ``MemoryGraph/cacheStatistics``).
        /// The cache is never stale: this process's writes update it as they commit, and a
        /// write by another process empties it before the next read returns. Default: `true`.
        public var enableCaching = true
        /// The most nodes the cache holds; must be positive when caching is on. Default: 10 000.
        public var cacheMaxSize = 10_000
        /// Which nodes the cache admits. Default: ``MemoryGraph/CacheAdmission/repeated``.
        public var cacheAdmission: CacheAdmission = .repeated
        /// How much of the change log the store keeps (see ``ChangeRetention``); a store applies
        /// the retention of the graph that writes to it. Default: 1 000 000 entries of at most
        /// 30 days.
        public var changeRetention = ChangeRetention()
        /// The clock that decides which nodes have expired (``NodeDraft/expiresAt``). Default: the
        /// system clock; tests give a controllable one.
        public var currentTime: @Sendable () -> Date = { Date() }
        /// How often, in seconds, the store looks for expired nodes to remove when nothing is
        /// written (every write transaction removes those due first anyway); `nil`: only writes
        /// and ``MemoryGraph/sweepExpired()`` remove them. Default: 1 s; at most a day.
        public var expirySweepInterval: Double? = 1
        /// The metadata that search finds besides every string of a node's result: dotted paths
        /// of fields (`"title"`, `"source.url"`), each field's strings searched like the
        /// result's. Default: none.
        public var searchableMetadataPaths: [String] = []
        /// The dimension every embedding this graph writes must have, checked before each write
        /// (adds, updates and the updates of `modify`); `nil`: no check here. Either way the store
        /// keeps the dimension of the first embedding it stored and refuses embeddings of another,
        /// so set this to catch a wrong model's vectors before the first one is stored.
        /// Default: `nil`.
        public var embeddingDimension: Int?

        /// Emit swift-metrics counters, timers and gauges (see the README's metrics table). With
        /// `false` nothing is measured at all. Default: `true`. Bootstrap the metrics backend
        /// before opening the graph: a graph opened with swift-metrics' no-op factory measures
        /// nothing.
        public var enableMetrics = true
        /// The factory for this graph's metrics; `nil` uses the process-wide `MetricsSystem`.
        /// Default: `nil`.
        public var metricsFactory: (any MetricsFactory)?
        /// Where the graph logs: one `.debug` entry per mutation (operation, node id, agent id,
        /// task context, duration; never payload contents). Default: a logger labelled
        /// `memory-graph`.
        public var logger = Logger(label: "memory-graph")

        /// The defaults.
        public init() {}

        /// Checks every value; throws ``MemoryGraphError/Code/invalidConfiguration`` naming the
        /// first invalid one.
        package func validate() throws {
            func invalid(_ message: String) -> MemoryGraphError {
                MemoryGraphError(.invalidConfiguration, message)
            }
            guard maxNodesPerBundle > 0 else {
                throw invalid("maxNodesPerBundle must be positive, got \(maxNodesPerBundle)")
            }
            guard maximumPayloadSize >= 64 else {
                throw invalid("maximumPayloadSize must be at least 64 bytes, got \(maximumPayloadSize)")
            }
            guard cacheMaxSize >= 0 else { throw invalid("cacheMaxSize must not be negative, got \(cacheMaxSize)") }
            guard !enableCaching || cacheMaxSize > 0 else {
                throw invalid("cacheMaxSize is 0 with enableCaching on; give the cache room or turn caching off")
            }
            try changeRetention.validate()
            if let expirySweepInterval, !(expirySweepInterval > 0 && expirySweepInterval <= 86_400) {
                throw invalid(
                    "expirySweepInterval must be a positive number of seconds, at most 86 400 (a day), got "
                        + "\(expirySweepInterval); use nil for no background sweep")
            }
            for path in searchableMetadataPaths
            where path.split(separator: ".", omittingEmptySubsequences: false)
                .contains(where: \.isEmpty)
            {
                throw invalid(
                    "searchableMetadataPaths holds \"\(path)\": a path is field names joined by dots, none empty")
            }
            if let embeddingDimension, !(1...Embedding.maximumDimension).contains(embeddingDimension) {
                throw invalid(
                    "embeddingDimension must be from 1 to \(Embedding.maximumDimension), got \(embeddingDimension)")
            }
            if case .minConfidence(let threshold) = cacheAdmission, !threshold.isFinite {
                throw invalid("cacheAdmission's confidence threshold must be a finite number, got \(threshold)")
            }
        }
    }
}
