public import MemoryGraphCore

/// What a tool is: its name, what it does, its arguments and the shape of its result. MCP lists
/// these as tools; the REST service takes the same arguments in its bodies.
public struct ToolDefinition: Sendable {
    /// The tool's name (snake_case), what clients call.
    public let name: String
    /// A short human-readable title.
    public let title: String
    /// What the tool does, for the agent that chooses it.
    public let summary: String
    /// The arguments, in the order they are documented.
    public let parameters: [ToolParameter]
    /// The JSON Schema of the tool's result (always an object).
    public let outputSchema: JSONValue
    /// Whether the tool only reads.
    public let isReadOnly: Bool
    /// Whether calling it again with the same arguments changes nothing more.
    public let isIdempotent: Bool
    /// Whether it may remove memory.
    public let isDestructive: Bool

    init(
        _ name: String, title: String, summary: String, parameters: [ToolParameter], output: JSONValue,
        readOnly: Bool = false, idempotent: Bool = false, destructive: Bool = false
    ) {
        self.name = name
        self.title = title
        self.summary = summary
        self.parameters = parameters
        self.outputSchema = output
        self.isReadOnly = readOnly
        self.isIdempotent = readOnly || idempotent
        self.isDestructive = destructive
    }

    /// The JSON Schema of the arguments: an object of the parameters, the required ones named,
    /// no others allowed.
    public var inputSchema: JSONValue {
        [
            "type": "object",
            "properties": .object(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.schema) })),
            "required": .array(parameters.filter(\.isRequired).map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }

    /// Checks `arguments` against the parameters; see ``ToolArguments``.
    public func arguments(_ arguments: [String: JSONValue]) throws -> ToolArguments {
        try ToolArguments(tool: name, parameters: parameters, values: arguments)
    }
}
