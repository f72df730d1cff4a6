import MemoryGraphCore

/// The tools an agent has: their names and argument names are the contract MCP clients and
/// REST bodies rely on.
public enum ToolCatalog {
    /// The most nodes, ids or changes one call reads or returns.
    public static let maximumPageSize = 1000
    /// The deepest traversal `neighbors` takes.
    public static let maximumDepth = 16

    private static let limit = ToolParameter(
        "limit", .integer(1...maximumPageSize), "The most results to return (default 100).")

    /// Every tool, in the order they are listed.
    public static let tools: [ToolDefinition] = [
        remember, recall, query, search, getNodes, update, forget, link, unlink, neighbors, history, bundle, changes,
    ]

    /// The tool named `name`, `nil` when there is none.
    public static func tool(named name: String) -> ToolDefinition? { tools.first { $0.name == name } }

    static let remember = ToolDefinition(
        "remember", title: "Remember",
        summary: "Stores a new memory node of this agent in a task context and returns its id and version.",
        parameters: [
            ToolParameter("context", .name, required: true, "The task context the memory belongs to."),
            ToolParameter(
                "result", .object, required: true,
                "The memory itself, a JSON object; by convention with `type` (a string) and `confidence_score` "
                    + "(0 to 1)."),
            ToolParameter("metadata", .object, "Free-form metadata (a JSON object)."),
            ToolParameter(
                "links", .nodeIDs(maxCount: maximumPageSize), "Ids of existing nodes this node links to."),
            ToolParameter("expires_at", .time, "When the node expires and is forgotten (ISO 8601)."),
            ToolParameter("id", .nodeID, "The new node's id, to make a retried call safe (default: a new one)."),
            ToolParameter(
                "embedding", .vector,
                "The memory's embedding, computed by the caller with the embedding model this store uses (every "
                    + "embedding of a store has one dimension), for search by embedding."),
        ],
        output: OutputSchemas.written)

    static let recall = ToolDefinition(
        "recall", title: "Recall",
        summary: "The memory nodes of an agent (this agent by default) in a task context, newest first.",
        parameters: [
            ToolParameter("context", .name, required: true, "The task context."),
            ToolParameter("agent", .name, "The agent whose nodes to recall (default: this agent)."),
            limit,
        ],
        output: OutputSchemas.nodes, readOnly: true)

    static let query = ToolDefinition(
        "query", title: "Query",
        summary:
            "Memory nodes matching every criterion given (agents, contexts, types, time, confidence, links), "
            + "a page at a time; pass next_cursor back as cursor for the next page.",
        parameters: filters + [
            ToolParameter("order", .choice(["newest_first", "oldest_first"]), "The order (default newest_first)."),
            limit,
            ToolParameter("cursor", .token, "The next_cursor of the previous page, with the same criteria."),
        ],
        output: OutputSchemas.object([
            "nodes": ["type": "array", "items": OutputSchemas.node], "next_cursor": ["type": ["string", "null"]],
        ]), readOnly: true)

    /// The criteria of `query`, which `search` applies inside the search.
    static let filters = [
        ToolParameter("agent_ids", .names(maxCount: maximumPageSize), "Only nodes of these agents."),
        ToolParameter("contexts", .names(maxCount: maximumPageSize), "Only nodes in these task contexts."),
        ToolParameter("types", .names(maxCount: maximumPageSize), "Only nodes whose result has one of these types."),
        ToolParameter("since", .time, "Only nodes written at or after this time (ISO 8601)."),
        ToolParameter("until", .time, "Only nodes written before this time (ISO 8601)."),
        ToolParameter("min_confidence", .number(0...1), "Only nodes with at least this confidence_score."),
        ToolParameter("max_confidence", .number(0...1), "Only nodes with at most this confidence_score."),
        ToolParameter("linked_from", .nodeID, "Only nodes this node links to."),
        ToolParameter("linked_to", .nodeID, "Only nodes that link to this node."),
    ]

    static let search = ToolDefinition(
        "search", title: "Search",
        summary:
            "The memory nodes that best match a text (ranked by BM25), an embedding (nearest first), or both "
            + "(the two rankings fused), best first, each with its score; every criterion of query applies "
            + "inside the search, so the result is the best among the nodes that match them. A word ending in * "
            + "matches every word it starts (plan* finds planner).",
        parameters: [
            ToolParameter("text", .token, "The words to find (give text, embedding or both)."),
            ToolParameter(
                "embedding", .vector,
                "A vector of the store's dimension, from the model that made the stored embeddings: finds the "
                    + "nodes whose embeddings are nearest."),
            ToolParameter(
                "metric", .choice(VectorMetric.allCases.map(\.rawValue)),
                "How embeddings are compared: cosine (default), dot or euclidean."),
        ] + filters + [
            ToolParameter(
                "matching", .choice(["all", "any"]),
                "all (default): a node must hold every word; any: at least one."),
            ToolParameter(
                "limit", .integer(1...SearchRequest.maximumLimit), "The most nodes to return (default 10)."),
        ],
        output: OutputSchemas.object([
            "hits": [
                "type": "array",
                "items": OutputSchemas.object(["node": OutputSchemas.node, "score": ["type": "number"]]),
            ]
        ]), readOnly: true)

    static let getNodes = ToolDefinition(
        "get_nodes", title: "Get nodes",
        summary: "The nodes with these ids, in order; null for each that does not exist.",
        parameters: [ToolParameter("ids", .nodeIDs(maxCount: maximumPageSize), required: true, "The node ids.")],
        output: OutputSchemas.object([
            "nodes": ["type": "array", "items": ["anyOf": [OutputSchemas.node, ["type": "null"]]]]
        ]), readOnly: true)

    static let update = ToolDefinition(
        "update", title: "Update",
        summary:
            "Replaces a node's result, metadata, expiry and/or embedding, making a new version. With "
            + "expected_version, fails (naming the current version) when another writer changed it first.",
        parameters: [
            ToolParameter("id", .nodeID, required: true, "The node to update."),
            ToolParameter("result", .object, "The new result."),
            ToolParameter("metadata", .object, "The new metadata (replaces the old)."),
            ToolParameter(
                "expected_version", .integer(1...Limits.maximumVersion),
                "Update only if the node is at this version (compare-and-set)."),
            ToolParameter(
                "expires_at", .time, nullable: true, "The new expiry (ISO 8601), or null for none."),
            ToolParameter("embedding", .vector, nullable: true, "The new embedding, or null to remove it."),
        ],
        output: OutputSchemas.written)

    static let forget = ToolDefinition(
        "forget", title: "Forget", summary: "Removes a node and its links; removed is false when there was none.",
        parameters: [ToolParameter("id", .nodeID, required: true, "The node to remove.")],
        output: OutputSchemas.object(["removed": ["type": "boolean"]]), idempotent: true, destructive: true)

    static let link = ToolDefinition(
        "link", title: "Link", summary: "Links node from to node to; changed is false when the link existed.",
        parameters: linkEnds, output: OutputSchemas.object(["changed": ["type": "boolean"]]), idempotent: true)

    static let unlink = ToolDefinition(
        "unlink", title: "Unlink",
        summary: "Removes the link from node from to node to; changed is false when there was none.",
        parameters: linkEnds, output: OutputSchemas.object(["changed": ["type": "boolean"]]), idempotent: true,
        destructive: true)

    private static let linkEnds = [
        ToolParameter("from", .nodeID, required: true, "The node the link starts at."),
        ToolParameter("to", .nodeID, required: true, "The node the link points to."),
    ]

    static let neighbors = ToolDefinition(
        "neighbors", title: "Neighbors",
        summary: "The nodes reachable from a node over links, breadth-first, with their distance.",
        parameters: [
            ToolParameter("id", .nodeID, required: true, "The node to start from."),
            ToolParameter(
                "direction", .choice(["out", "in", "both"]),
                "Follow links out of nodes, into them, or both (default out)."),
            ToolParameter("depth", .integer(1...maximumDepth), "How many links away to go (default 1)."),
            limit,
        ],
        output: OutputSchemas.object([
            "neighbors": [
                "type": "array",
                "items": OutputSchemas.object(["id": OutputSchemas.id, "depth": ["type": "integer", "minimum": 1]]),
            ]
        ]), readOnly: true)

    static let history = ToolDefinition(
        "history", title: "History", summary: "The versions of a node, newest first; empty when there is none.",
        parameters: [ToolParameter("id", .nodeID, required: true, "The node.")],
        output: OutputSchemas.object(["versions": ["type": "array", "items": OutputSchemas.node]]), readOnly: true)

    static let bundle = ToolDefinition(
        "bundle", title: "Bundle",
        summary:
            "Bundles of a task's memory: create one (of node_ids and contexts), add nodes to one, or get one "
            + "(bundle_id, or the task's newest). Returns the bundle.",
        parameters: [
            ToolParameter("action", .choice(["create", "add", "get"]), required: true, "What to do."),
            ToolParameter("task_id", .name, required: true, "The task the bundle belongs to."),
            ToolParameter("contexts", .names(maxCount: maximumPageSize), "create: the task contexts it covers."),
            ToolParameter(
                "node_ids", .nodeIDs(maxCount: maximumPageSize), "create, add: the nodes to put in the bundle."),
            ToolParameter("bundle_id", .bundleID, "add (required), get: the bundle."),
        ],
        output: OutputSchemas.bundle)

    static let changes = ToolDefinition(
        "changes", title: "Changes",
        summary:
            "What changed after a sequence number, oldest first; pass last_sequence back as after to go on.",
        parameters: [
            ToolParameter("after", .integer(0...Int(Int64.max)), "The sequence to read after (default 0)."),
            limit,
        ],
        output: OutputSchemas.object([
            "changes": ["type": "array", "items": OutputSchemas.change], "last_sequence": ["type": "integer"],
        ]), readOnly: true)
}
