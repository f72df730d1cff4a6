public import ArgumentParser
import Foundation
public import MemoryGraphCore

/// `--read-agents` and `--read-contexts`: what an agent may read besides its own nodes.
public struct ScopeOptions: ParsableArguments {
    @Option(help: "The agents whose nodes it may read, comma-separated, or * for all.")
    var readAgents: String = "*"
    @Option(help: "The task contexts it may read and write, comma-separated, or * for all.")
    var readContexts: String = "*"

    /// Creates the options with their defaults (all agents, all contexts).
    public init() {}

    public mutating func validate() throws {
        for (option, text) in [("--read-agents", readAgents), ("--read-contexts", readContexts)] {
            guard Self.names(text) != [] else {
                throw ValidationError("\(option) takes names separated by commas, or * for all; got \"\(text)\"")
            }
        }
    }

    /// The scope the options describe.
    public var scope: ReadScope {
        ReadScope(agentIDs: Self.names(readAgents), contexts: Self.names(readContexts))
    }

    /// The names in `text`, `nil` for `*`; empty names are dropped.
    static func names(_ text: String) -> Set<String>? {
        if text.trimmingCharacters(in: .whitespaces) == "*" { return nil }
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}
