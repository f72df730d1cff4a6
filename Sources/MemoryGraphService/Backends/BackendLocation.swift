public import ArgumentParser
import Logging
public import MemoryGraph
public import MemoryGraphPostgres

/// Where a command's store is: `lmdb:PATH` (a store directory on this host) or a PostgreSQL URL
/// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`).
///
/// ```
/// memory-graph serve --backend postgres://memory@db.internal/agents
/// memory-graph copy --from lmdb:/var/lib/memory --to postgres://memory@db.internal/agents
/// ```
public enum BackendLocation: Sendable, Hashable, ExpressibleByArgument, CustomStringConvertible {
    /// An LMDB store directory.
    case lmdb(path: String)
    /// A graph in a PostgreSQL database.
    case postgres(PostgresConfiguration)

    /// Parses `lmdb:PATH` or a `postgres://` URL; `nil` for anything else.
    public init?(argument: String) {
        if argument.hasPrefix("lmdb:") {
            let path = String(argument.dropFirst("lmdb:".count))
            guard !path.isEmpty else { return nil }
            self = .lmdb(path: path)
        } else if argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") {
            guard let configuration = try? PostgresConfiguration(url: argument) else { return nil }
            self = .postgres(configuration)
        } else {
            return nil
        }
    }

    /// The location without a password.
    public var description: String {
        switch self {
        case .lmdb(let path): "lmdb:\(path)"
        case .postgres(let configuration): configuration.redactedDescription
        }
    }

    /// Opens the graph: an LMDB store with `lmdb`'s options, or the PostgreSQL schema (created
    /// or upgraded when needed).
    ///
    /// - Throws: What opening the backend throws.
    public func open(configuration: MemoryGraph.Configuration, lmdb: LMDBConfiguration = LMDBConfiguration())
        async throws -> MemoryGraph
    {
        switch self {
        case .lmdb(let path):
            try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        case .postgres(let postgres):
            try await MemoryGraph.postgres(
                postgres, configuration: configuration, logger: Logger(label: "memory-graph.postgres"))
        }
    }
}
