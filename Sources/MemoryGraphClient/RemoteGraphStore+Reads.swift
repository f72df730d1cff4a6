public import MemoryGraphCore

/// The reads: each one request, repeated on a connection failure.
extension RemoteGraphStore {
    /// The answer of `call`, read as `T`.
    private func read<T: WireCodable>(_ call: RemoteTransport.Call, _ what: String) async throws -> T {
        try await operation {
            let (answer, _) = try await transport.json(call)
            return try RemoteTransport.decode(answer, what)
        }
    }

    /// The field `key` of the answer of `call`, read as a list of `T`.
    private func list<T: WireCodable>(_ call: RemoteTransport.Call, _ key: String) async throws -> [T] {
        try await operation {
            let (answer, _) = try await transport.json(call)
            var items: [T] = []
            for item in answer[key]?.arrayValue ?? [] { items.append(try RemoteTransport.decode(item, key)) }
            return items
        }
    }

    /// The field `key` of the answer of `call`, a list of ids.
    private func ids(_ call: RemoteTransport.Call, _ key: String = "ids") async throws -> [NodeID] {
        try await operation {
            let (answer, _) = try await transport.json(call)
            return try (answer[key]?.arrayValue ?? []).map { item in
                guard let text = item.stringValue, let id = NodeID(text) else {
                    throw MemoryGraphError(.storage, "the service's \(key) holds \(item), not a node id")
                }
                return id
            }
        }
    }

    /// The node `id`, or `nil`.
    public func node(_ id: NodeID) async throws -> MemoryNode? {
        do {
            return try await read(.get("nodes/\(id)"), "node")
        } catch MemoryGraphError.nodeNotFound {
            return nil
        }
    }

    /// The nodes `ids` from one state, `nil` for each that does not exist.
    public func nodes(_ ids: [NodeID]) async throws -> [MemoryNode?] {
        try await operation {
            let (answer, _) = try await transport.json(.post("nodes", ["ids": WireFormat.ids(ids)]))
            guard let items = answer["nodes"]?.arrayValue, items.count == ids.count else {
                throw MemoryGraphError(.storage, "the service answered another number of nodes than asked for")
            }
            return try items.map { item in item == .null ? nil : try RemoteTransport.decode(item, "node") }
        }
    }

    /// The nodes of `agentID` in `taskContext`, newest first, at most `limit` (`nil`: all).
    public func recall(agentID: String, taskContext: String, limit: Int?) async throws -> [MemoryNode] {
        var query = [("agent", agentID), ("context", taskContext)]
        if let limit { query.append(("limit", String(limit))) }
        return try await list(.get("recall", query), "nodes")
    }

    /// Up to `query.limit + 1` matching nodes after `cursor`, in the query's order.
    public func queryNodes(_ query: MemoryQuery, after cursor: QueryCursor?) async throws -> [MemoryNode] {
        var body: [String: JSONValue] = ["query": query.wire]
        if let cursor { body["after"] = .string(cursor.description) }
        return try await list(.post("query", .object(body)), "nodes")
    }

    /// The ids of the first `query.limit` matching nodes, in the query's order.
    public func queryIDs(_ query: MemoryQuery) async throws -> [NodeID] {
        try await ids(.post("query/ids", ["query": query.wire]))
    }

    /// How many nodes match `query`.
    public func count(_ query: MemoryQuery) async throws -> Int {
        try await operation {
            let (answer, _) = try await transport.json(.post("query/count", ["query": query.wire]))
            guard let count = answer["count"]?.intValue else {
                throw MemoryGraphError(.storage, "the service's count is not an integer: \(answer)")
            }
            return count
        }
    }

    /// How the store behind the service answers `query`.
    public func explain(_ query: MemoryQuery) async throws -> QueryPlan {
        try await read(.post("query/explain", ["query": query.wire]), "plan")
    }

    /// The nodes `id` links to, in id order.
    public func links(from id: NodeID) async throws -> [NodeID] {
        try await ids(.get("nodes/\(id)/links"))
    }

    /// The nodes that link to `id`, in id order.
    public func backlinks(to id: NodeID) async throws -> [NodeID] {
        try await ids(.get("nodes/\(id)/backlinks"))
    }

    /// The nodes within `depth` links of `id`, breadth-first.
    public func neighbors(of id: NodeID, direction: LinkDirection, depth: Int, limit: Int) async throws -> [Neighbor] {
        try await list(
            .get(
                "nodes/\(id)/neighbors",
                [("direction", direction.rawValue), ("depth", String(depth)), ("limit", String(limit))]),
            "neighbors")
    }

    /// The bundle `id`, or `nil`.
    public func bundle(_ id: BundleID) async throws -> MemoryBundle? {
        do {
            return try await read(.get("bundles/\(id)"), "bundle")
        } catch MemoryGraphError.bundleNotFound {
            return nil
        }
    }

    /// The bundles of `taskID`, newest first, at most `limit` (`nil`: all).
    public func bundles(forTask taskID: String, limit: Int?) async throws -> [MemoryBundle] {
        var query = [("task", taskID)]
        if let limit { query.append(("limit", String(limit))) }
        return try await list(.get("bundles", query), "bundles")
    }

    /// The bundles that list `context`, newest first.
    public func bundles(forContext context: String) async throws -> [MemoryBundle] {
        try await list(.get("bundles", [("context", context)]), "bundles")
    }

    /// The counts of the store behind the service.
    public func statistics() async throws -> GraphStatistics {
        try await read(.get("statistics"), "statistics")
    }

    /// The writes, commits and storage size of the store behind the service.
    public func usage() async throws -> StoreUsage {
        try await read(.get("usage"), "usage")
    }

    /// Node `id` as it is and as it was, newest first.
    public func history(of id: NodeID) async throws -> [MemoryNode] {
        try await list(.get("nodes/\(id)/history"), "nodes")
    }

    /// The dimension of the embeddings of the store behind the service.
    public func embeddingDimension() async throws -> Int? {
        try await operation {
            let (answer, _) = try await transport.json(.get("embeddings/dimension"))
            if answer["dimension"] == .null { return nil }
            guard let dimension = answer["dimension"]?.intValue else {
                throw MemoryGraphError(.storage, "the service's embedding dimension is not an integer: \(answer)")
            }
            return dimension
        }
    }

    /// The embeddings of nodes `ids`, `nil` for each without one.
    public func embeddings(of ids: [NodeID]) async throws -> [[Float]?] {
        try await operation {
            let (answer, _) = try await transport.json(.post("embeddings", ["ids": WireFormat.ids(ids)]))
            guard let items = answer["embeddings"]?.arrayValue, items.count == ids.count else {
                throw MemoryGraphError(.storage, "the service answered another number of embeddings than asked for")
            }
            return try items.map { item in
                item == .null
                    ? nil : try WireFields(["vector": item], "embedding", allowed: ["vector"]).vector("vector")
            }
        }
    }

    /// The best `limit` nodes by `metric`, searched by the store behind the service.
    public func nearestNodes(to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int)
        async throws -> [ScoredNodeID]
    {
        try await explainNearestNodes(to: vector, metric: metric, matching: filter, limit: limit).hits
    }

    /// ``nearestNodes(to:metric:matching:limit:)`` with how the store behind the service found
    /// them (a service that does not say is taken to have compared exactly).
    public func explainNearestNodes(
        to vector: [Float], metric: VectorMetric, matching filter: MemoryQuery, limit: Int
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking) {
        let body: JSONValue = [
            "vector": WireFormat.vector(vector), "metric": .string(metric.rawValue), "filter": filter.wire,
            "limit": .int(limit),
        ]
        return try await operation {
            let (answer, _) = try await transport.json(.post("nearest", body))
            let hits = try Self.hits(answer)
            let ranking = answer["ranking"].flatMap { try? SearchPlan.Ranking(wire: $0) }
            return (
                hits ?? [],
                ranking
                    ?? SearchPlan.Ranking(
                        method: filter.isUnconstrained ? .vectorScan : .vectorFilterScan, scored: nil,
                        found: hits?.count ?? 0, reason: "the service did not say how; taken as exact")
            )
        }
    }

    /// The best `limit` nodes for `terms`, from the full-text index of the store behind the
    /// service; `nil` when it has none for `metadataPaths`.
    public func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> [ScoredNodeID]? {
        try await explainSearchText(
            terms, matching: matching, filter: filter, limit: limit, metadataPaths: metadataPaths)?
            .hits
    }

    /// ``searchText(_:matching:filter:limit:metadataPaths:)`` with how the store behind the
    /// service found them.
    public func explainSearchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String]
    ) async throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)? {
        let words = terms.map { term -> JSONValue in
            switch term {
            case .exact(let word): .string(word)
            case .prefix(let start): .string(start + "*")
            }
        }
        let body: JSONValue = [
            "terms": .array(words), "matching": .string(matching == .any ? "any" : "all"), "filter": filter.wire,
            "limit": .int(limit), "metadata_paths": .array(metadataPaths.map(JSONValue.string)),
        ]
        return try await operation {
            let answer: JSONValue
            do {
                (answer, _) = try await transport.json(.post("search/text", body))
            } catch let error as MemoryGraphError where error.code == .unsupported {
                return nil  // a service without the endpoint: the facade reads every node
            }
            guard let hits = try Self.hits(answer) else { return nil }
            let ranking =
                answer["ranking"].flatMap { try? SearchPlan.Ranking(wire: $0) }
                ?? SearchPlan.Ranking(
                    method: .textIndex, scored: nil, found: hits.count, reason: "the store's full-text index")
            return (hits, ranking)
        }
    }

    /// The `hits` of a search's answer; `nil` when they are `null` or missing.
    private static func hits(_ answer: JSONValue) throws -> [ScoredNodeID]? {
        guard let hits = answer["hits"], hits != .null else { return nil }
        guard let items = hits.arrayValue else {
            throw MemoryGraphError(.storage, "the service's hits are not a list: \(answer)")
        }
        return try items.map { try RemoteTransport.decode($0, "hit") }
    }
}
