public import ArgumentParser
import Foundation
import Logging
import MemoryGraphPostgres

/// `memory-graph migrate --backend postgres://…`: creates the graph's schema in a PostgreSQL
/// database, or upgrades it to this version's; prints the version before and after.
public struct MigrateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the graph's schema in a PostgreSQL database.",
        discussion: """
            Safe to run while service instances use the database, and from several hosts at once: the \
            upgrade runs in one transaction under an advisory lock. (A service creates or upgrades the schema \
            when it starts, too.)
            """)

    @Option(
        help: ArgumentHelp(
            "The database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME].", valueName: "url"))
    var backend: String

    public init() {}

    public func run() async throws {
        let postgres = try PostgresConfiguration(url: backend)
        let (before, after) = try await PostgresGraphStore.migrate(
            postgres, logger: Logger(label: "memory-graph.migrate"))
        let schema = postgres.schema
        print(
            before == after
                ? "schema \(schema) is at version \(after), this version's: nothing to do"
                : before == 0
                    ? "schema \(schema) created at version \(after)"
                    : "schema \(schema) upgraded from version \(before) to \(after)")
    }
}
