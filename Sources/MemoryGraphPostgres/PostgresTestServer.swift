import Foundation
import MemoryGraphCore

/// The PostgreSQL server tests use: the one libpq's environment variables name (`PGHOST`,
/// `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`), as `pg_virtualenv` sets them for the
/// command it runs — `make test` runs the tests so.
///
/// With `MEMORY_GRAPH_REQUIRE_POSTGRES=1` (which `make test` sets) a missing server is an error,
/// never a silent skip.
public enum PostgresTestServer {
    /// The server the environment names, or `nil`.
    public static var configuration: PostgresConfiguration? {
        let environment = ProcessInfo.processInfo.environment
        guard let user = environment["PGUSER"], let port = environment["PGPORT"].flatMap(Int.init) else { return nil }
        var configuration = PostgresConfiguration(
            host: environment["PGHOST"].map { $0 == "localhost" ? "127.0.0.1" : $0 } ?? "127.0.0.1", port: port,
            username: user, password: environment["PGPASSWORD"], database: environment["PGDATABASE"])
        configuration.tls = .disable
        return configuration
    }

    /// Whether tests must have a server (`MEMORY_GRAPH_REQUIRE_POSTGRES=1`).
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["MEMORY_GRAPH_REQUIRE_POSTGRES"] == "1"
    }

    /// The server the environment names.
    ///
    /// - Throws: ``MemoryGraphError/Code/unavailable`` when it names none.
    public static func required() throws -> PostgresConfiguration {
        guard let configuration else {
            throw MemoryGraphError(
                .unavailable,
                "no PostgreSQL server for the tests: set PGHOST, PGPORT, PGUSER and PGPASSWORD, or run them "
                    + "under pg_virtualenv as make test does")
        }
        return configuration
    }
}
