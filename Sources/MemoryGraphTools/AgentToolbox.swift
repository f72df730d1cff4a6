import Foundation
public import MemoryGraphCore
import Tracing

/// Runs the tools of ``ToolCatalog`` for one agent: each call's arguments are checked against
/// the tool's parameters, then carried out through the agent's ``AgentSession``, so the agent
/// comes from the session (never from an argument) and nothing outside its scope is seen.
///
/// ```swift
/// let toolbox = AgentToolbox(session: try graph.session(agent: "planner"))
/// let written = try await toolbox.call("remember", ["context": "trip-42", "result": ["type": "plan"]])
/// ```
public struct AgentToolbox: Sendable {
    /// The session every call goes through.
    public let session: AgentSession
    /// Whether the tools that write are refused (``MemoryGraphError/Code/permissionDenied``).
    public let isReadOnly: Bool

    /// A toolbox over `session`; with `readOnly`, only the read tools run.
    public init(session: AgentSession, readOnly: Bool = false) {
        self.session = session
        self.isReadOnly = readOnly
    }

    /// Calls tool `name` with `arguments` and returns its result, a JSON object of the shape of
    /// the tool's ``ToolDefinition/outputSchema``. The call is a tracing span,
    /// `memory-graph.NAME`, under the caller's (no cost without a tracer).
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` for an unknown tool or a bad
    ///   argument (the message names it and says what is expected), `permissionDenied` for a
    ///   write of a read-only toolbox, and what the session throws.
    public func call(_ name: String, _ arguments: [String: JSONValue]) async throws -> JSONValue {
        guard let tool = ToolCatalog.tool(named: name) else {
            throw MemoryGraphError(
                .invalidArgument,
                "there is no tool \(name); the tools are " + ToolCatalog.tools.map(\.name).joined(separator: ", "))
        }
        return try await withSpan("memory-graph.\(name)") { span in
            span.attributes["memory_graph.agent"] = session.agentID
            return try await run(tool, arguments)
        }
    }

    private func run(_ tool: ToolDefinition, _ arguments: [String: JSONValue]) async throws -> JSONValue {
        let name = tool.name
        let arguments = try tool.arguments(arguments)
        if isReadOnly, !tool.isReadOnly, !(name == "bundle" && arguments.string("action") == "get") {
            throw MemoryGraphError(
                .permissionDenied, "agent \(session.agentID) may only read; tool \(name) writes")
        }
        switch name {
        case "remember": return try await remember(arguments)
        case "recall": return try await recall(arguments)
        case "query": return try await query(arguments)
        case "search": return try await search(arguments)
        case "get_nodes": return try await getNodes(arguments)
        case "update": return try await update(arguments)
        case "forget": return try await forget(arguments)
        case "link", "unlink": return try await link(arguments, adding: name == "link")
        case "neighbors": return try await neighbors(arguments)
        case "history": return try await history(arguments)
        case "bundle": return try await bundle(arguments)
        default: return try await changes(arguments)
        }
    }

    // MARK: Writes

    private func remember(_ arguments: ToolArguments) async throws -> JSONValue {
        let id = try await session.addNodes([try draft(arguments)])[0]
        return ["id": .string(id.description), "version": 1]
    }

    /// Stores several nodes in one transaction, each given as `remember`'s arguments; all or
    /// none are stored. Returns `remember`'s result for each.
    ///
    /// - Throws: as ``call(_:_:)``; an argument error names the item (`nodes[3]`).
    public func remember(all items: [[String: JSONValue]]) async throws -> [JSONValue] {
        guard (1...ToolCatalog.maximumPageSize).contains(items.count) else {
            throw MemoryGraphError(
                .invalidArgument, "nodes holds \(items.count) items; send 1 to \(ToolCatalog.maximumPageSize)")
        }
        if isReadOnly {
            throw MemoryGraphError(.permissionDenied, "agent \(session.agentID) may only read; remember writes")
        }
        return try await withSpan("memory-graph.remember") { span in
            span.attributes["memory_graph.agent"] = session.agentID
            span.attributes["memory_graph.nodes"] = items.count
            let drafts = try items.enumerated().map { index, item in
                do {
                    return try draft(try ToolCatalog.remember.arguments(item))
                } catch let error as MemoryGraphError {
                    throw MemoryGraphError(error.code, "nodes[\(index)]: \(error.message)")
                }
            }
            return try await session.addNodes(drafts).map { ["id": .string($0.description), "version": 1] }
        }
    }

    private func draft(_ arguments: ToolArguments) throws -> NodeDraft {
        NodeDraft(
            id: arguments.nodeID("id"), agentID: session.agentID,
            taskContext: try arguments.required(arguments.string("context"), "context"),
            result: .object(try arguments.required(arguments.object("result"), "result")),
            metadata: arguments.object("metadata") ?? [:], links: arguments.nodeIDs("links") ?? [],
            expiresAt: arguments.time("expires_at"), embedding: arguments.vector("embedding"))
    }

    private func update(_ arguments: ToolArguments) async throws -> JSONValue {
        let id = try arguments.required(arguments.nodeID("id"), "id")
        var expiry: NodeUpdate.Expiry?
        if arguments.isNull("expires_at") {
            expiry = .never
        } else if let date = arguments.time("expires_at") {
            expiry = .at(date)
        }
        var embedding: NodeUpdate.EmbeddingChange?
        if arguments.isNull("embedding") {
            embedding = .remove
        } else if let vector = arguments.vector("embedding") {
            embedding = .set(vector)
        }
        let result = arguments.object("result").map(JSONValue.object)
        let metadata = arguments.object("metadata")
        guard result != nil || metadata != nil || expiry != nil || embedding != nil else {
            throw MemoryGraphError(
                .invalidArgument, "tool update needs at least one of result, metadata, expires_at and embedding")
        }
        let version = try await session.updateNode(
            id, result: result, metadata: metadata, expiry: expiry, embedding: embedding,
            expectedVersion: arguments.int("expected_version"))
        return ["id": .string(id.description), "version": .int(version)]
    }

    private func forget(_ arguments: ToolArguments) async throws -> JSONValue {
        ["removed": .bool(try await session.removeNode(try arguments.required(arguments.nodeID("id"), "id")))]
    }

    private func link(_ arguments: ToolArguments, adding: Bool) async throws -> JSONValue {
        let source = try arguments.required(arguments.nodeID("from"), "from")
        let target = try arguments.required(arguments.nodeID("to"), "to")
        let changed =
            adding
            ? try await session.link(from: source, to: target) : try await session.unlink(from: source, to: target)
        return ["changed": .bool(changed)]
    }

    private func bundle(_ arguments: ToolArguments) async throws -> JSONValue {
        let task = try arguments.required(arguments.string("task_id"), "task_id")
        let nodeIDs = arguments.nodeIDs("node_ids") ?? []
        switch arguments.string("action") {
        case "create":
            if arguments.has("bundle_id") {
                throw MemoryGraphError(.invalidArgument, "bundle create makes a new bundle and takes no bundle_id")
            }
            let id = try await session.createBundle(
                taskID: task, agentIDs: [session.agentID], contexts: arguments.strings("contexts") ?? [],
                nodeIDs: nodeIDs)
            return try await shownBundle(id, task: task)
        case "add":
            let id = try arguments.required(arguments.bundleID("bundle_id"), "bundle_id")
            guard !nodeIDs.isEmpty else { throw MemoryGraphError(.invalidArgument, "bundle add needs node_ids") }
            _ = try await shownBundle(id, task: task)
            try await session.addToBundle(id, nodeIDs: nodeIDs)
            return try await shownBundle(id, task: task)
        default:
            if let id = arguments.bundleID("bundle_id") { return try await shownBundle(id, task: task) }
            guard let newest = try await session.bundles(forTask: task).first else {
                throw MemoryGraphError(.bundleNotFound, "task \(task) has no bundle; create one with action create")
            }
            return MemoryJSON.bundle(newest)
        }
    }

    /// Bundle `id` as the session sees it, which must belong to `task`.
    private func shownBundle(_ id: BundleID, task: String) async throws -> JSONValue {
        guard let bundle = try await session.bundle(id), bundle.taskID == task else {
            throw MemoryGraphError(.bundleNotFound, "task \(task) has no bundle \(id)")
        }
        return MemoryJSON.bundle(bundle)
    }

    // MARK: Reads

    private func recall(_ arguments: ToolArguments) async throws -> JSONValue {
        let nodes = try await session.recall(
            agentID: arguments.string("agent"),
            taskContext: try arguments.required(arguments.string("context"), "context"),
            limit: arguments.int("limit") ?? 100)
        return ["nodes": .array(nodes.map(MemoryJSON.node))]
    }

    /// The criteria of ``ToolCatalog/filters`` as a query.
    private func filter(_ arguments: ToolArguments) -> MemoryQuery {
        var query = MemoryQuery()
        query.agentIDs = arguments.strings("agent_ids").map(Set.init)
        query.contexts = arguments.strings("contexts").map(Set.init)
        query.types = arguments.strings("types").map(Set.init)
        let since = arguments.time("since")
        let until = arguments.time("until")
        if since != nil || until != nil {
            let lower = since ?? .distantPast
            query.timeRange = lower..<max(lower, until ?? .distantFuture)
        }
        query.minConfidence = arguments.number("min_confidence")
        query.maxConfidence = arguments.number("max_confidence")
        query.linkedFrom = arguments.nodeID("linked_from")
        query.linkedTo = arguments.nodeID("linked_to")
        return query
    }

    private func search(_ arguments: ToolArguments) async throws -> JSONValue {
        let text = arguments.string("text")
        let embedding = arguments.vector("embedding")
        guard text != nil || embedding != nil else {
            throw MemoryGraphError(.invalidArgument, "tool search needs text, embedding or both")
        }
        let request = SearchRequest(
            text: text, nearest: embedding,
            metric: arguments.string("metric").flatMap(VectorMetric.init(rawValue:)) ?? .cosine,
            filter: filter(arguments), limit: arguments.int("limit") ?? 10,
            matching: arguments.string("matching") == "any" ? .any : .all)
        let hits = try await session.search(request)
        return ["hits": .array(hits.map { ["node": MemoryJSON.node($0.node), "score": .double($0.score)] })]
    }

    private func query(_ arguments: ToolArguments) async throws -> JSONValue {
        var query = filter(arguments)
        query.order = arguments.string("order") == "oldest_first" ? .oldestFirst : .newestFirst
        query.limit = arguments.int("limit") ?? 100
        let page: QueryPage
        if let text = arguments.string("cursor") {
            guard let cursor = QueryCursor(text) else {
                throw MemoryGraphError(
                    .invalidCursor, "cursor is not a next_cursor this service returned; start again without one")
            }
            page = try await session.query(query, after: cursor)
        } else {
            page = try await session.query(query)
        }
        return [
            "nodes": .array(page.nodes.map(MemoryJSON.node)),
            "next_cursor": page.nextCursor.map { .string($0.description) } ?? .null,
        ]
    }

    private func getNodes(_ arguments: ToolArguments) async throws -> JSONValue {
        let nodes = try await session.nodes(try arguments.required(arguments.nodeIDs("ids"), "ids"))
        return ["nodes": .array(nodes.map { $0.map(MemoryJSON.node) ?? .null })]
    }

    private func neighbors(_ arguments: ToolArguments) async throws -> JSONValue {
        let direction: LinkDirection =
            switch arguments.string("direction") {
            case "in": .incoming
            case "both": .both
            default: .outgoing
            }
        let found = try await session.neighbors(
            of: try arguments.required(arguments.nodeID("id"), "id"), direction: direction,
            depth: arguments.int("depth") ?? 1, limit: arguments.int("limit") ?? 100)
        return ["neighbors": .array(found.map { ["id": .string($0.id.description), "depth": .int($0.depth)] })]
    }

    private func history(_ arguments: ToolArguments) async throws -> JSONValue {
        let versions = try await session.history(of: try arguments.required(arguments.nodeID("id"), "id"))
        return ["versions": .array(versions.map(MemoryJSON.node))]
    }

    private func changes(_ arguments: ToolArguments) async throws -> JSONValue {
        let after = UInt64(arguments.int("after") ?? 0)
        let page = try await session.changePage(after: after, limit: arguments.int("limit") ?? 100)
        return [
            "changes": .array(page.changes.map(MemoryJSON.change)),
            "last_sequence": .int(Int(clamping: max(page.scannedThrough, after))),
        ]
    }
}
