import Foundation
import HTTPTypes
import Hummingbird
import MemoryGraph
import MemoryGraphTools
import NIOCore
import ServiceLifecycle

/// The REST API under `/v1`: the MCP tools' arguments in bodies and query strings, their
/// results in responses (see `openapi.yaml`).
struct RESTRoutes: Sendable {
    let graph: MemoryGraph
    /// The largest request body accepted; a larger one is refused with 413.
    let maximumBodySize: Int

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("nodes", use: postNodes)
        routes.get("nodes/:id", use: getNode)
        routes.patch("nodes/:id", use: patchNode)
        routes.delete("nodes/:id", use: deleteNode)
        routes.get("nodes/:id/history", use: history)
        routes.get("nodes/:id/neighbors", use: neighbors)
        routes.get("recall", use: recall)
        routes.post("query", use: query)
        routes.post("search", use: search)
        routes.put("links", use: putLink)
        routes.delete("links", use: deleteLink)
        routes.post("bundles", use: postBundle)
        routes.get("bundles", use: bundlesOfTask)
        routes.get("bundles/:id", use: getBundle)
        routes.post("bundles/:id/nodes", use: addToBundle)
        routes.get("changes", use: changes)
        routes.get("stats", use: stats)
    }

    // MARK: Nodes

    func postNodes(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        let body = try await object(request, credential)
        let toolbox = try self.toolbox(credential)
        if let items = body["nodes"] {
            guard body.count == 1, let items = items.arrayValue else {
                throw invalid("a batch is {\"nodes\": [node, …]} and nothing else")
            }
            let objects = try items.enumerated().map { index, item in
                guard let object = item.objectValue else { throw invalid("nodes[\(index)] is not a JSON object") }
                return try withoutOwnAgent(object, credential)
            }
            return JSONResponse.make(["nodes": .array(try await toolbox.remember(all: objects))], status: 201)
        }
        let written = try await toolbox.call("remember", body)
        var headers = HTTPFields()
        headers[.location] = "/v1/nodes/\(written["id"]?.stringValue ?? "")"
        headers[.eTag] = "\"1\""
        return JSONResponse.make(written, status: 201, headers: headers)
    }

    func getNode(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try noQuery(request)
        guard let node = try await toolbox(context).session.node(id) else { throw missing(id) }
        return JSONResponse.make(MemoryJSON.node(node), headers: [.eTag: "\"\(node.version)\""])
    }

    func patchNode(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        let id = try nodeID(context)
        var body = try await object(request, credential)
        if let given = body["id"], given != .string(id.description) {
            throw invalid("the body's id \(given) is not the path's node \(id); leave it out")
        }
        body["id"] = .string(id.description)
        if let match = request.headers[.ifMatch] {
            let digits = match.replacingOccurrences(of: "W/", with: "").trimmingCharacters(
                in: CharacterSet(charactersIn: "\" "))
            guard let version = Int(digits), version > 0 else {
                throw invalid("If-Match must be a node version as its ETag gives it, such as \"3\"; got \(match)")
            }
            if let expected = body["expected_version"], expected != .int(version) {
                throw invalid("If-Match \(match) and expected_version \(expected) disagree; send one of them")
            }
            body["expected_version"] = .int(version)
        }
        let written = try await toolbox(credential).call("update", body)
        return JSONResponse.make(written, headers: [.eTag: "\"\(written["version"]?.intValue ?? 0)\""])
    }

    func deleteNode(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try noQuery(request)
        let removed = try await toolbox(context).call("forget", ["id": .string(id.description)])
        guard removed["removed"] == true else { throw missing(id) }
        return JSONResponse.make(removed)
    }

    func history(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        try noQuery(request)
        let versions = try await toolbox(context).call("history", ["id": .string(id.description)])
        guard versions["versions"] != [] else { throw missing(id) }
        return JSONResponse.make(versions)
    }

    func neighbors(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try nodeID(context)
        var arguments = try queryArguments(request, of: "neighbors")
        arguments["id"] = .string(id.description)
        return JSONResponse.make(try await toolbox(context).call("neighbors", arguments))
    }

    func recall(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONResponse.make(try await toolbox(context).call("recall", try queryArguments(request, of: "recall")))
    }

    func query(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        return JSONResponse.make(try await toolbox(credential).call("query", try await object(request, credential)))
    }

    func search(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        return JSONResponse.make(try await toolbox(credential).call("search", try await object(request, credential)))
    }

    // MARK: Links

    func putLink(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        return JSONResponse.make(try await toolbox(credential).call("link", try await object(request, credential)))
    }

    func deleteLink(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONResponse.make(try await toolbox(context).call("unlink", try queryArguments(request, of: "unlink")))
    }

    // MARK: Bundles

    func postBundle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        var body = try await object(request, credential)
        if body["action"] != nil { throw invalid("POST /v1/bundles creates a bundle; the body takes no action") }
        body["action"] = "create"
        let bundle = try await toolbox(credential).call("bundle", body)
        return JSONResponse.make(
            bundle, status: 201, headers: [.location: "/v1/bundles/\(bundle["id"]?.stringValue ?? "")"])
    }

    func getBundle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try bundleID(context)
        try noQuery(request)
        guard let bundle = try await toolbox(context).session.bundle(id) else { throw missingBundle(id) }
        return JSONResponse.make(MemoryJSON.bundle(bundle))
    }

    func addToBundle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let credential = try context.requireCredential()
        let id = try bundleID(context)
        let body = try await object(request, credential)
        if let unknown = body.keys.sorted().first(where: { $0 != "node_ids" }) {
            throw invalid("the body takes node_ids only, not \(unknown)")
        }
        let toolbox = try self.toolbox(credential)
        guard let bundle = try await toolbox.session.bundle(id) else { throw missingBundle(id) }
        let arguments: [String: JSONValue] = [
            "action": "add", "task_id": .string(bundle.taskID), "bundle_id": .string(id.description),
            "node_ids": body["node_ids"] ?? .null,
        ]
        return JSONResponse.make(try await toolbox.call("bundle", arguments.filter { $0.value != .null }))
    }

    func bundlesOfTask(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        if let unknown = parameters.map({ String($0.key) }).sorted().first(where: { $0 != "task" }) {
            throw invalid("GET /v1/bundles takes the query parameter task only, not \(unknown)")
        }
        guard let task = parameters["task"].map(String.init), !task.isEmpty else {
            throw invalid("GET /v1/bundles needs ?task=TASK_ID")
        }
        let bundles = try await toolbox(context).session.bundles(forTask: task)
        return JSONResponse.make(["bundles": .array(bundles.map(MemoryJSON.bundle))])
    }

    // MARK: Changes and statistics

    func changes(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var arguments = try queryArguments(request, of: "changes")
        let toolbox = try self.toolbox(context)
        guard request.headers[.accept]?.contains("text/event-stream") == true else {
            return JSONResponse.make(try await toolbox.call("changes", arguments))
        }
        if let lastEventID = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let sequence = Int(lastEventID), sequence >= 0 else {
                throw invalid("Last-Event-ID must be the sequence of the last change received; got \(lastEventID)")
            }
            arguments["after"] = .int(sequence)
        }
        // Checks the arguments, and fails now (not inside the stream) when the log was truncated.
        _ = try await toolbox.call("changes", arguments.merging(["limit": 1]) { $1 })
        let after = UInt64(arguments["after"]?.intValue ?? 0)
        let feed = toolbox.session.changes(after: after, follow: true)
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": following changes after \(after)\n\n"))
                for try await change in feed.cancelOnGracefulShutdown() {
                    let data = try MemoryJSON.change(change).jsonString()
                    try await writer.write(
                        ByteBuffer(string: "id: \(change.sequence)\nevent: change\ndata: \(data)\n\n"))
                }
                try await writer.finish(nil)
            })
    }

    func stats(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        guard try context.requireCredential().scope.isAll else {
            throw MemoryGraphError(
                .permissionDenied, "the statistics count the whole store; this token reads only part of it")
        }
        try noQuery(request)
        let statistics = try await graph.statistics()
        return JSONResponse.make([
            "nodes": .int(statistics.nodes), "agents": .int(statistics.agents), "contexts": .int(statistics.contexts),
            "types": .int(statistics.types), "links": .int(statistics.links), "bundles": .int(statistics.bundles),
            "last_sequence": .int(Int(clamping: try await graph.currentSequence())),
        ])
    }

    // MARK: Requests

    func toolbox(_ credential: AgentCredential) throws -> AgentToolbox {
        AgentToolbox(
            session: try graph.session(agent: credential.agentID, reading: credential.scope),
            readOnly: credential.isReadOnly)
    }

    func toolbox(_ context: ServiceRequestContext) throws -> AgentToolbox {
        try toolbox(context.requireCredential())
    }

    /// The request's body, a JSON object of at most ``maximumBodySize`` bytes, without an
    /// `agent_id` that names the credential's own agent.
    func object(_ request: Request, _ credential: AgentCredential) async throws -> [String: JSONValue] {
        // Only JSON: a browser sends no such body across origins without asking first.
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw invalid("send the body as Content-Type: application/json")
        }
        let buffer = try await request.body.collect(upTo: maximumBodySize)
        let body: JSONValue
        do {
            body = try JSONValue(jsonData: Data(buffer.readableBytesView))
        } catch {
            throw invalid("the body is not JSON: \(error)")
        }
        guard let object = body.objectValue else { throw invalid("the body must be a JSON object") }
        return try withoutOwnAgent(object, credential)
    }

    /// `object` without `agent_id` when it names the credential's agent; another agent is
    /// refused (403): the token decides the agent.
    func withoutOwnAgent(_ object: [String: JSONValue], _ credential: AgentCredential) throws -> [String: JSONValue] {
        guard let agent = object["agent_id"] else { return object }
        guard agent == .string(credential.agentID) else {
            throw MemoryGraphError(
                .permissionDenied,
                "this token writes as agent \(credential.agentID), not \(agent); leave agent_id out")
        }
        return object.filter { $0.key != "agent_id" }
    }

    /// The query string as the arguments of `tool`: integers and numbers where the tool takes
    /// them, strings otherwise, so that the tool's own checks name what is wrong.
    func queryArguments(_ request: Request, of tool: String) throws -> [String: JSONValue] {
        guard let definition = ToolCatalog.tool(named: tool) else { return [:] }
        var arguments: [String: JSONValue] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            let text = String(value)
            guard arguments[name] == nil else { throw invalid("query parameter \(name) is given twice") }
            switch definition.parameters.first(where: { $0.name == name })?.kind {
            case .integer: arguments[name] = Int(text).map(JSONValue.int) ?? .string(text)
            case .number: arguments[name] = Double(text).map(JSONValue.double) ?? .string(text)
            default: arguments[name] = .string(text)
            }
        }
        return arguments
    }

    func noQuery(_ request: Request) throws {
        if let key = request.uri.queryParameters.first?.key {
            throw invalid("this endpoint takes no query parameters, not \(key)")
        }
    }

    func nodeID(_ context: ServiceRequestContext) throws -> NodeID {
        let text = try context.parameters.require("id")
        guard let id = NodeID(text) else { throw invalid("\(text) in the path is not a node id (a UUID)") }
        return id
    }

    func bundleID(_ context: ServiceRequestContext) throws -> BundleID {
        let text = try context.parameters.require("id")
        guard let id = BundleID(text) else { throw invalid("\(text) in the path is not a bundle id (a UUID)") }
        return id
    }

    func invalid(_ message: String) -> MemoryGraphError { MemoryGraphError(.invalidArgument, message) }

    func missing(_ id: NodeID) -> MemoryGraphError { MemoryGraphError(.nodeNotFound, "there is no node \(id)") }

    func missingBundle(_ id: BundleID) -> MemoryGraphError {
        MemoryGraphError(.bundleNotFound, "there is no bundle \(id)")
    }
}
