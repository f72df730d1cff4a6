import Foundation
import MemoryGraph
import MemoryGraphCore
import MemoryGraphTesting
import MemoryGraphTools
import SeededRandom
import Testing

/// Every tool checks its arguments against its own parameters, whatever a client sends.
@Suite struct ToolArgumentTests {
    @Test func schemasDescribeEveryParameter() throws {
        #expect(
            ToolCatalog.tools.map(\.name) == [
                "remember", "recall", "query", "search", "get_nodes", "update", "forget", "link", "unlink",
                "neighbors", "history", "bundle", "changes",
            ])
        for tool in ToolCatalog.tools {
            let schema = tool.inputSchema
            #expect(schema["type"] == "object" && schema["additionalProperties"] == false)
            let properties = try #require(schema["properties"]?.objectValue)
            #expect(Set(properties.keys) == Set(tool.parameters.map(\.name)))
            for required in schema["required"]?.arrayValue ?? [] {
                #expect(properties[required.stringValue ?? ""] != nil, "\(tool.name): \(required)")
            }
            #expect(tool.outputSchema["type"] == "object")
            #expect(properties.values.allSatisfy { $0["description"]?.stringValue?.isEmpty == false })
        }
    }

    /// Each bad argument fails with invalidArgument, and the message names the argument.
    @Test(arguments: ToolCatalog.tools.map(\.name))
    func badArgumentsAreNamed(tool name: String) async throws {
        let graph = try MemoryGraph.inMemory()
        let toolbox = AgentToolbox(session: try graph.session(agent: "a"))
        let tool = try #require(ToolCatalog.tool(named: name))
        let valid = Self.validArguments(tool)
        var cases: [(String, [String: JSONValue])] = [("unknown", valid.merging(["unknown": 1]) { $1 })]
        for parameter in tool.parameters {
            if parameter.isRequired { cases.append((parameter.name, valid.filter { $0.key != parameter.name })) }
            for wrong in Self.wrongValues(parameter) {
                cases.append((parameter.name, valid.merging([parameter.name: wrong]) { $1 }))
            }
        }
        for (named, arguments) in cases {
            do {
                _ = try await toolbox.call(name, arguments)
                Issue.record("\(name) accepted \(arguments)")
            } catch let error as MemoryGraphError {
                #expect(error.code == .invalidArgument, "\(name) \(arguments): \(error)")
                #expect(error.message.contains(named), "\(name) \(arguments): \(error.message)")
            }
        }
    }

    /// Arguments that pass the check, the required ones with well-formed values.
    static func validArguments(_ tool: ToolDefinition) -> [String: JSONValue] {
        var arguments: [String: JSONValue] = [:]
        for parameter in tool.parameters where parameter.isRequired {
            arguments[parameter.name] =
                switch parameter.kind {
                case .name, .token: "x"
                case .object: [:]
                case .integer(let range): .int(range.lowerBound)
                case .number(let range): .double(range.lowerBound)
                case .nodeID: .string(NodeID().description)
                case .bundleID: .string(BundleID().description)
                case .nodeIDs: [.string(NodeID().description)]
                case .names: ["x"]
                case .time: "2030-01-01T00:00:00Z"
                case .choice(let values): .string(values[0])
                case .vector: [1]
                }
        }
        return arguments
    }

    /// Values of the wrong kind for `parameter`.
    static func wrongValues(_ parameter: ToolParameter) -> [JSONValue] {
        var values: [JSONValue] = [["nested": true]]
        switch parameter.kind {
        case .name: values += ["", .string(String(repeating: "x", count: Limits.maximumNameLength + 1)), 7]
        case .token: values += ["", 7]
        case .object: values += ["text", [1, 2]]
        case .integer(let range): values += [.int(range.lowerBound - 1), 1.5, "3"]
        case .number(let range): values += [.double(range.upperBound + 1), "0.5"]
        case .nodeID, .bundleID: values += ["not-an-id", 5]
        case .nodeIDs(let maxCount):
            values += [[], ["not-an-id"], .array(Array(repeating: .string(NodeID().description), count: maxCount + 1))]
        case .names: values += [[], [""], "x"]
        case .time: values += ["yesterday", "2026-13-01T00:00:00Z"]
        case .choice: values += ["sideways"]
        case .vector:
            values += [[], ["x"], [true], "1", .array(Array(repeating: 1, count: Embedding.maximumDimension + 1))]
        }
        if !parameter.isNullable { values.append(.null) }
        return values.filter { $0 != ["nested": true] || !(parameter.kind.isObject) }
    }
}

extension ToolParameter.Kind {
    fileprivate var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}

/// Times are RFC 3339 (JSON Schema's `date-time`), no more and no less.
@Suite struct TimeArgumentTests {
    @Test(arguments: [
        "2026-12-06T09:30:00Z", "2026-12-06T09:30:00.25Z", "2026-12-06t09:30:00z", "2026-12-06T11:30:00+02:00",
        "2026-12-06T04:30:00.5-05:00",
    ])
    func accepted(text: String) throws {
        let date = try #require(MemoryJSON.date(text))
        #expect(abs(date.timeIntervalSince(try #require(MemoryJSON.date("2026-12-06T09:30:00Z")))) < 1)
    }

    @Test(arguments: [
        "2026-12-06T09:30:00", "2026-12-06T09:30:00+02", "2026-12-06T24:00:00Z", "2026-12-06 09:30:00Z",
        "2026-13-06T09:30:00Z", "2026-12-06", "20261206T093000Z", "2026-12-06T09:30:00 UTC", "",
    ])
    func refused(text: String) {
        #expect(MemoryJSON.date(text) == nil)
    }
}
