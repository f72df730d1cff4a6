public import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph token add --tokens FILE --agent AGENT [--read-agents …] [--read-contexts …]
/// [--read-only] [--store]`: makes a token for `serve`.
public struct TokenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Make tokens for memory-graph serve.", subcommands: [Add.self])

    public init() {}

    /// `token add`.
    public struct Add: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Add a token to a tokens file and print it once, alone on the last line.",
            discussion: """
                The file (created with mode 0600 when missing) keeps only the token's SHA-256, the agent, its \
                read scope and whether it may write. The token cannot be shown again: store it where the agent \
                reads it. A running service reads the file when it starts.
                """)

        @Option(help: "The tokens file.") var tokens: String
        @Option(help: "The agent the token acts as.") var agent: String
        @OptionGroup var scope: ScopeOptions
        @Flag(help: "The token may only read.") var readOnly = false
        @Flag(
            name: .customLong("store"),
            help: """
                The token may also use the store endpoints (/v1/store), which read the whole store and write as \
                any agent: for a remote backend (RemoteGraphStore). It reads all, so no read scope goes with it.
                """)
        var storeAccess = false

        public init() {}

        public func validate() throws {
            guard !agent.isEmpty, agent.utf8.count <= Limits.maximumNameLength else {
                throw ValidationError("--agent must be 1 to \(Limits.maximumNameLength) bytes")
            }
            if storeAccess, !scope.scope.isAll {
                throw ValidationError("--store reads the whole store: leave out --read-agents and --read-contexts")
            }
        }

        public func run() throws {
            var store =
                FileManager.default.fileExists(atPath: tokens) ? try TokenStore(contentsOf: tokens) : TokenStore()
            let credential = AgentCredential(
                agentID: agent, scope: scope.scope, readOnly: readOnly, storeAccess: storeAccess)
            let token = store.add(credential)
            try store.write(to: tokens)
            let reads = [
                "agents " + (credential.scope.agentIDs.map { $0.sorted().joined(separator: ",") } ?? "*"),
                "contexts " + (credential.scope.contexts.map { $0.sorted().joined(separator: ",") } ?? "*"),
            ]
            print(
                "added a token for agent \(agent) (reads \(reads.joined(separator: ", "))"
                    + "\(readOnly ? ", read-only" : "")\(storeAccess ? ", store endpoints" : ""))")
            print(token)
        }
    }
}
