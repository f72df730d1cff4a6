import Foundation
import HTTPTypes
import Hummingbird
import MemoryGraph
import NIOCore
import ServiceLifecycle

/// The store endpoints under `/v1/store`: every ``GraphStore`` requirement over HTTP, on the
/// raw store behind the service (no agent session between), in the JSON of ``WireFormat``. The
/// remote backend, `RemoteGraphStore`, speaks them; only a credential with
/// ``AgentCredential/storeAccess`` may call them (see ``StoreAccessCheck``).
///
/// Reads answer `200` with their value (`404` for a node or bundle that does not exist);
/// `apply` answers `200` with each mutation's outcome or error in order, and a failure of the
/// whole request (a malformed body, a read-only token) with its error status.
struct StoreRoutes: Sendable {
    let store: any GraphStore
    /// The largest request body accepted; a larger one is refused with 413.
    let maximumBodySize: Int

    /// The longest a `changes/wait` request waits before it answers.
    static let longestWait = Duration.seconds(30)

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("apply", use: apply)
        routes.post("nodes", use: nodes)
        routes.get("nodes/:id", use: node)
        routes.get("nodes/:id/links", use: links)
        routes.get("nodes/:id/backlinks", use: backlinks)
        routes.get("nodes/:id/neighbors", use: neighbors)
        routes.get("nodes/:id/history", use: history)
        routes.get("recall", use: recall)
        routes.post("query", use: query)
        routes.post("query/ids", use: queryIDs)
        routes.post("query/count", use: count)
        routes.post("query/explain", use: explain)
        routes.get("bundles", use: bundles)
        routes.get("bundles/:id", use: bundle)
        routes.get("embeddings/dimension", use: embeddingDimension)
        routes.post("embeddings", use: embeddings)
        routes.post("nearest", use: nearest)
        routes.post("search/text", use: searchText)
        routes.get("statistics", use: statistics)
        routes.get("usage", use: usage)
        routes.get("export", use: export)
        routes.get("sequence", use: sequence)
        routes.post("changes", use: changes)
        routes.get("changes/wait", use: waitForChanges)
    }

    // MARK: Writes

    func apply(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        if try context.requireCredential().isReadOnly {
            throw MemoryGraphError(.readOnly, "this token may only read; the store's writes need a token that writes")
        }
        let body = try await fields(request, allowed: ["mutations"])
        var mutations: [GraphMutation] = []
        for item in try body.array("mutations") { mutations.append(try GraphMutation(wire: item)) }
        let results = await store.apply(mutations)
        return JSONResponse.make(["results": .array(results.map(\.wire))])
    }

    // MARK: Nodes

    func node(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try parameters(request, allowed: [])
        guard let node = try await store.node(id) else { throw MemoryGraphError.missingNode(id) }
        return JSONResponse.make(node.wire)
    }

    func nodes(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let ids: [NodeID] = try await fields(request, allowed: ["ids"]).ids("ids")
        let nodes = try await store.nodes(ids)
        return JSONResponse.make(["nodes": .array(nodes.map { $0?.wire ?? .null })])
    }

    func links(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try parameters(request, allowed: [])
        return JSONResponse.make(["ids": WireFormat.ids(try await store.links(from: id))])
    }

    func backlinks(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try parameters(request, allowed: [])
        return JSONResponse.make(["ids": WireFormat.ids(try await store.backlinks(to: id))])
    }

    func neighbors(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        let query = try parameters(request, allowed: ["direction", "depth", "limit"])
        let name = query["direction"] ?? LinkDirection.both.rawValue
        guard let direction = LinkDirection(rawValue: name) else {
            throw invalid("direction must be outgoing, incoming or both, not \(name)")
        }
        let neighbors = try await store.neighbors(
            of: id, direction: direction, depth: try integer(query, "depth") ?? 1,
            limit: try integer(query, "limit") ?? 100)
        return JSONResponse.make(["neighbors": WireFormat.array(neighbors)])
    }

    func history(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try parameters(request, allowed: [])
        return JSONResponse.make(["nodes": WireFormat.array(try await store.history(of: id))])
    }

    func recall(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = try parameters(request, allowed: ["agent", "context", "limit"])
        guard let agent = query["agent"], let task = query["context"] else {
            throw invalid("recall needs ?agent=AGENT&context=CONTEXT")
        }
        let nodes = try await store.recall(agentID: agent, taskContext: task, limit: try integer(query, "limit"))
        return JSONResponse.make(["nodes": WireFormat.array(nodes)])
    }

    // MARK: Queries

    func query(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await fields(request, allowed: ["query", "after"])
        var cursor: QueryCursor?
        if let text = try body.optionalString("after") {
            guard let parsed = QueryCursor(text) else {
                throw MemoryGraphError(.invalidCursor, "after is not a query cursor: \(text)")
            }
            cursor = parsed
        }
        let nodes = try await store.queryNodes(try body.decode("query"), after: cursor)
        return JSONResponse.make(["nodes": WireFormat.array(nodes)])
    }

    func queryIDs(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query: MemoryQuery = try await fields(request, allowed: ["query"]).decode("query")
        return JSONResponse.make(["ids": WireFormat.ids(try await store.queryIDs(query))])
    }

    func count(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query: MemoryQuery = try await fields(request, allowed: ["query"]).decode("query")
        return JSONResponse.make(["count": .int(try await store.count(query))])
    }

    func explain(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query: MemoryQuery = try await fields(request, allowed: ["query"]).decode("query")
        return JSONResponse.make(try await store.explain(query).wire)
    }

    // MARK: Embeddings

    func embeddingDimension(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try parameters(request, allowed: [])
        return JSONResponse.make(["dimension": try await store.embeddingDimension().map(JSONValue.int) ?? .null])
    }

    func embeddings(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let ids: [NodeID] = try await fields(request, allowed: ["ids"]).ids("ids")
        let embeddings = try await store.embeddings(of: ids)
        return JSONResponse.make(["embeddings": .array(embeddings.map { $0.map(WireFormat.vector) ?? .null })])
    }

    func nearest(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await fields(request, allowed: ["vector", "metric", "filter", "limit"])
        let name = try body.string("metric")
        guard let metric = VectorMetric(rawValue: name) else {
            throw invalid(
                "metric \"\(name)\" is not one of \(VectorMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (hits, ranking) = try await store.explainNearestNodes(
            to: try body.vector("vector"), metric: metric, matching: try body.decode("filter"),
            limit: try body.int("limit"))
        return JSONResponse.make(["hits": WireFormat.array(hits), "ranking": ranking.wire])
    }

    /// `{"terms": ["plan*", "route"], "matching", "filter", "limit", "metadata_paths"}` →
    /// `{"hits": […], "ranking": {…}}`, or `{"hits": null}` when the store has no full-text index
    /// for the paths.
    func searchText(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await fields(request, allowed: ["terms", "matching", "filter", "limit", "metadata_paths"])
        let terms = try body.strings("terms").map { word -> SearchTerm in
            let isPrefix = word.hasSuffix("*")
            let text = isPrefix ? String(word.dropLast()) : word
            guard !text.isEmpty, text.utf8.count <= TextAnalyzer.maximumTermLength else {
                throw invalid("terms holds \"\(word)\"; a term is 1 to 64 bytes, with a * after a prefix")
            }
            return isPrefix ? .prefix(text) : .exact(text)
        }
        guard (1...SearchRequest.maximumTerms).contains(terms.count) else {
            throw invalid("terms holds \(terms.count) terms; give 1 to \(SearchRequest.maximumTerms)")
        }
        let name = try body.string("matching")
        guard let matching = SearchMatching(rawValue: name) else {
            throw invalid("matching \"\(name)\" is not one of all, any")
        }
        let found = try await store.explainSearchText(
            terms, matching: matching, filter: try body.decode("filter"), limit: try searchLimit(body),
            metadataPaths: try body.strings("metadata_paths"))
        guard let (hits, ranking) = found else { return JSONResponse.make(["hits": .null]) }
        return JSONResponse.make(["hits": WireFormat.array(hits), "ranking": ranking.wire])
    }

    /// The body's `limit`, 1 to ``SearchRequest/maximumLimit``.
    private func searchLimit(_ body: WireFields) throws -> Int {
        let limit = try body.int("limit")
        guard (1...SearchRequest.maximumLimit).contains(limit) else {
            throw invalid("limit must be from 1 to \(SearchRequest.maximumLimit), got \(limit)")
        }
        return limit
    }

    // MARK: Bundles

    func bundle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let text = try context.parameters.require("id")
        guard let id = BundleID(text) else { throw invalid("\(text) in the path is not a bundle id (a UUID)") }
        try parameters(request, allowed: [])
        guard let bundle = try await store.bundle(id) else {
            throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist")
        }
        return JSONResponse.make(bundle.wire)
    }

    func bundles(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = try parameters(request, allowed: ["task", "context", "limit"])
        let bundles: [MemoryBundle]
        switch (query["task"], query["context"]) {
        case (.some(let task), nil):
            bundles = try await store.bundles(forTask: task, limit: try integer(query, "limit"))
        case (nil, .some(let task)) where query["limit"] == nil: bundles = try await store.bundles(forContext: task)
        default: throw invalid("bundles takes ?task=TASK_ID[&limit=N] or ?context=CONTEXT")
        }
        return JSONResponse.make(["bundles": WireFormat.array(bundles)])
    }

    // MARK: The whole store

    func statistics(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try parameters(request, allowed: [])
        return JSONResponse.make(try await store.statistics().wire)
    }

    func usage(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try parameters(request, allowed: [])
        return JSONResponse.make(try await store.usage().wire)
    }

    /// The export as NDJSON: one record per line, then `{"end": {"records": N}}`, or
    /// `{"error": …}` when the export failed after it began.
    func export(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try parameters(request, allowed: [])
        let store = self.store
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                var records = 0
                do {
                    try await store.export { record in
                        try await writer.write(ByteBuffer(string: try record.wire.jsonString() + "\n"))
                        records += 1
                    }
                    try await writer.write(ByteBuffer(string: #"{"end":{"records":\#(records)}}"# + "\n"))
                } catch {
                    let line = try JSONValue.object(["error": MemoryGraphError.from(error).wire]).jsonString()
                    try await writer.write(ByteBuffer(string: line + "\n"))
                }
                try await writer.finish(nil)
            })
    }

    // MARK: The change log

    func sequence(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try parameters(request, allowed: [])
        return JSONResponse.make(["sequence": WireFormat.sequence(try await store.currentSequence())])
    }

    func changes(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await fields(request, allowed: ["after", "filter", "limit"])
        let filter: ChangeFilter = try body.optionalDecode("filter") ?? .all
        let limit = try body.int("limit")
        guard limit > 0 else { throw invalid("limit must be at least 1") }
        let page = try await store.changes(after: try body.sequence("after"), matching: filter, limit: limit)
        return JSONResponse.make(page.wire)
    }

    /// Waits, for at most `timeout_ms` and ``longestWait``, until the log may hold entries after
    /// `after`; answers the current sequence then.
    func waitForChanges(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let query = try parameters(request, allowed: ["after", "timeout_ms"])
        guard let after = query["after"].flatMap({ UInt64($0) }) else {
            throw invalid("changes/wait needs ?after=SEQUENCE, a sequence number from 0")
        }
        let milliseconds = try integer(query, "timeout_ms") ?? 0
        guard milliseconds >= 0 else { throw invalid("timeout_ms must not be negative") }
        let timeout = min(Duration.milliseconds(milliseconds), Self.longestWait)
        let store = self.store
        await cancelWhenGracefulShutdown { await store.waitForChanges(after: after, timeout: timeout) }
        return JSONResponse.make(["sequence": WireFormat.sequence(try await store.currentSequence())])
    }

    // MARK: Requests

    /// The request's JSON body, at most ``maximumBodySize`` bytes, as an object with no keys
    /// outside `allowed`.
    func fields(_ request: Request, allowed: Set<String>) async throws -> WireFields {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw invalid("send the body as Content-Type: application/json")
        }
        try parameters(request, allowed: [])
        let buffer = try await request.body.collect(upTo: maximumBodySize)
        return try WireFields(WireFormat.parse(Array(buffer.readableBytesView)), "the body", allowed: allowed)
    }

    /// The query parameters, each given at most once and none outside `allowed`.
    @discardableResult
    func parameters(_ request: Request, allowed: Set<String>) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw invalid(
                    allowed.isEmpty
                        ? "this endpoint takes no query parameters, not \(name)"
                        : "unknown query parameter \(name); this endpoint takes \(allowed.sorted().joined(separator: ", "))"
                )
            }
            guard parameters[name] == nil else { throw invalid("query parameter \(name) is given twice") }
            parameters[name] = String(value)
        }
        return parameters
    }

    func integer(_ parameters: [String: String], _ name: String) throws -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text) else { throw invalid("\(name) must be an integer, not \(text)") }
        return value
    }

    func nodeID(_ context: ServiceRequestContext) throws -> NodeID {
        let text = try context.parameters.require("id")
        guard let id = NodeID(text) else { throw invalid("\(text) in the path is not a node id (a UUID)") }
        return id
    }

    func invalid(_ message: String) -> MemoryGraphError { MemoryGraphError(.invalidArgument, message) }
}
