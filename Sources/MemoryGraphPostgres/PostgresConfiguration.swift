import Foundation
public import MemoryGraphCore

/// Where a ``PostgresGraphStore`` keeps its graph: a PostgreSQL server, database and schema, and
/// how it connects.
///
/// ```swift
/// let postgres = try PostgresConfiguration(url: "postgres://memory@127.0.0.1:5432/agents?schema=team_a")
/// let graph = try await MemoryGraph.postgres(postgres)
/// ```
///
/// Several graphs can share one database, each in a schema of its own.
public struct PostgresConfiguration: Sendable, Hashable {
    /// How the connection is encrypted.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP: for a server on loopback or a private network.
        case disable
        /// TLS when the server offers it, plain TCP otherwise.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address. Default: `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The server's port. Default: 5432.
    public var port: Int = 5432
    /// The role to connect as.
    public var username: String
    /// The role's password, when the server asks for one.
    public var password: String?
    /// The database; `nil` uses the server's default (the role's name).
    public var database: String?
    /// The schema that holds the graph's tables, created when missing: a lowercase SQL
    /// identifier (letters, digits and `_`, at most 63 bytes). Default: `memory_graph`.
    public var schema: String = "memory_graph"
    /// How the connection is encrypted. Default: ``TLSMode/prefer``.
    public var tls: TLSMode = .prefer
    /// The most connections the store's pool opens. Default: 20.
    public var maximumConnections: Int = 20
    /// How long to wait for a connection before an operation fails with
    /// ``MemoryGraphError/Code/unavailable``. Default: 10 seconds.
    public var connectTimeout: Duration = .seconds(10)
    /// How long an operation may take, from asking for a connection to the last row, before it
    /// is cancelled and fails with ``MemoryGraphError/Code/unavailable`` (a connection whose
    /// server died may otherwise never answer); at least ``connectTimeout``. Default: 60 seconds.
    public var operationTimeout: Duration = .seconds(60)

    /// A configuration for `username` on `host`.
    public init(
        host: String = "127.0.0.1", port: Int = 5432, username: String, password: String? = nil, database: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// A configuration from a connection URL:
    /// `postgres://USER[:PASSWORD]@HOST[:PORT][/DATABASE][?schema=NAME&sslmode=disable|prefer|require]`
    /// (`postgresql://` too; user and password percent-encoded), and `connect_timeout` and
    /// `operation_timeout` in seconds.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` naming what is wrong with the URL.
    public init(url text: String) throws {
        func invalid(_ message: String) -> MemoryGraphError {
            MemoryGraphError(
                .invalidConfiguration,
                "\(message); a PostgreSQL URL reads postgres://USER[:PASSWORD]@HOST[:PORT][/DATABASE][?schema=NAME&sslmode=disable]"
            )
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw invalid("not a postgres:// URL") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the URL names no user") }
        self.init(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1", port: components.port ?? 5432,
            username: user, password: components.password,
            database: components.path.count > 1 ? String(components.path.dropFirst()) : nil)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                schema = item.value ?? ""
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw invalid("sslmode must be disable, prefer or require, not \(item.value ?? "nothing")")
                }
                tls = mode
            case "connect_timeout", "operation_timeout":
                guard let seconds = item.value.flatMap(Int.init), seconds > 0 else {
                    throw invalid("\(item.name) must be a positive number of seconds")
                }
                if item.name == "connect_timeout" {
                    connectTimeout = .seconds(seconds)
                } else {
                    operationTimeout = .seconds(seconds)
                }
            default:
                throw invalid("unknown URL parameter \(item.name)")
            }
        }
        try validate()
    }

    /// Checks the values.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` naming the first invalid value.
    public func validate() throws(MemoryGraphError) {
        let identifier =
            schema.utf8.count <= 63 && !schema.isEmpty
            && schema.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !("0"..."9").contains(schema.unicodeScalars.first ?? "0")
        guard identifier else {
            throw MemoryGraphError(
                .invalidConfiguration,
                "schema \"\(schema)\" is not a lowercase SQL identifier: use letters a-z, digits and _, "
                    + "at most 63 bytes, not starting with a digit")
        }
        guard (1...65535).contains(port) else {
            throw MemoryGraphError(.invalidConfiguration, "port \(port) is outside 1...65535")
        }
        guard operationTimeout >= connectTimeout else {
            throw MemoryGraphError(
                .invalidConfiguration,
                "operationTimeout (\(operationTimeout)) must be at least connectTimeout (\(connectTimeout))")
        }
        guard maximumConnections >= 2 else {
            throw MemoryGraphError(
                .invalidConfiguration,
                "maximumConnections must be at least 2 (one connection waits for notifications of commits)")
        }
    }

    /// The URL without the password, for logs and messages.
    public var redactedDescription: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? username)?schema=\(schema)"
    }
}
