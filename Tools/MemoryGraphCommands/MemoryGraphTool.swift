public import ArgumentParser
import Foundation
import MemoryGraph

/// `memory-graph`: inspect, back up, restore, verify and query MemoryGraph stores.
///
/// Exit codes: 0 success, 1 problems found (`verify`), 2 usage error, 3 data error.
public struct MemoryGraphTool: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "memory-graph",
        abstract: "Inspect, back up, restore, verify and query MemoryGraph stores.",
        discussion: "Exit codes: 0 success, 1 problems found (verify), 2 usage error, 3 data error.",
        subcommands: [
            StatCommand.self, DumpCommand.self, RestoreCommand.self, VerifyCommand.self, CopyCommand.self,
            GetCommand.self,
            RecallCommand.self, QueryCommand.self, SearchCommand.self, VectorIndexCommand.self, UpdateCommand.self,
            ChangesCommand.self,
            HistoryCommand.self,
            ForgetCommand.self,
        ] + serviceCommands)

    public init() {}

    /// The exit code for a failure: 2 for usage errors, 3 for data errors, 4 for a version
    /// conflict (an update whose expected version is not the stored one).
    public static func exitCode(forFailure error: any Error) -> Int32 {
        if let error = error as? MemoryGraphError {
            switch error.code {
            case .invalidArgument, .invalidConfiguration, .alreadyOpen, .invalidCursor: return 2
            case .versionConflict: return 4
            default: return 3
            }
        }
        if let code = error as? ExitCode { return code.rawValue }
        return 3
    }

    /// Parses the process's arguments, runs the command and exits with the tool's exit codes.
    public static func runAsTool(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as MemoryGraphError {
            FileHandle.standardError.write(Data("memory-graph: \(error)\n".utf8))
            Foundation.exit(exitCode(forFailure: error))
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : 3)
        }
    }
}
