import Foundation
import Logging
import MemoryGraph
import PostgresNIO
import Testing

@testable import MemoryGraphPostgres

/// What the PostgreSQL backend promises beyond the conformance suite: the change log's order
/// across instances, the schema's version, and its errors. Each test uses a new schema in the
/// server of ``PostgresTestServer`` and is skipped without one — unless the run requires it
/// (`make test`), where a missing server fails.
@Suite("PostgreSQL backend", .enabled(if: PostgresTestServer.configuration != nil || PostgresTestServer.isRequired))
struct PostgresBackendTests {
    static let logger = Logger(label: "memory-graph.tests")

    /// A configuration for a new schema of its own.
    static func newSchema() throws -> PostgresConfiguration {
        var postgres = try PostgresTestServer.required()
        postgres.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        postgres.maximumConnections = 4
        // Generous: other suites run at the same time, and slowness is not failure here.
        postgres.connectTimeout = .seconds(120)
        postgres.operationTimeout = .seconds(300)
        return postgres
    }

    /// Runs `sql` on a connection of its own (another client than the store).
    @discardableResult
    static func withClient<Result: Sendable>(
        _ postgres: PostgresConfiguration, _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(
            configuration: .init(
                host: postgres.host, port: postgres.port, username: postgres.username, password: postgres.password,
                database: postgres.database, tls: .disable),
            backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    @Test("a writer that holds the head row keeps later commits from taking a sequence number before it commits")
    func commitOrderIsSequenceOrder() async throws {
        let postgres = try Self.newSchema()
        let first = try await MemoryGraph.postgres(postgres)
        let second = try await MemoryGraph.postgres(postgres)
        defer {
            first.close()
            second.close()
        }
        try await first.addNode(agentID: "a", taskContext: "c", result: [:])
        let start = try await first.currentSequence()
        let schema = postgres.schema
        try await Self.withClient(postgres) { client in
            try await client.withConnection { connection in
                // A transaction that has taken its number and not committed yet.
                try await connection.query("BEGIN", logger: Self.logger)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "UPDATE \"\(schema)\".head SET last_sequence = last_sequence + 1"),
                    logger: Self.logger)
                let later = Task { try await second.addNode(agentID: "b", taskContext: "c", result: [:]) }
                try await Task.sleep(for: .milliseconds(300))
                // Nothing after `start` is visible while the earlier number is not committed.
                #expect(try await first.changePage(after: start, limit: 10).changes.isEmpty)
                let insert =
                    "INSERT INTO \"\(schema)\".changes (sequence, committed_at, kind) VALUES ($1, now(), 'bundleChanged')"
                var binds = PostgresBindings()
                binds.append(Int64(start + 1))
                try await connection.query(PostgresQuery(unsafeSQL: insert, binds: binds), logger: Self.logger)
                try await connection.query("COMMIT", logger: Self.logger)
                let id = try await later.value
                let changes = try await first.changePage(after: start, limit: 10).changes
                #expect(changes.map(\.sequence) == [start + 1, start + 2])
                #expect(changes.last?.nodeID == id)
            }
        }
    }

    @Test("followers on two instances see every change of writers on both exactly once, in order")
    func followersAcrossInstances() async throws {
        let postgres = try Self.newSchema()
        let graphs = [try await MemoryGraph.postgres(postgres), try await MemoryGraph.postgres(postgres)]
        defer { for graph in graphs { graph.close() } }
        let start = try await graphs[0].currentSequence()
        let total = 2 * 3 * 40
        let followers = graphs.map { graph in
            Task {
                var seen: [UInt64] = []
                for try await change in graph.changes(after: start) {
                    seen.append(change.sequence)
                    if seen.count == total { break }
                }
                return seen
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, graph) in graphs.enumerated() {
                for writer in 0..<3 {
                    group.addTask {
                        for n in 0..<40 {
                            try await graph.addNode(
                                agentID: "w\(index)-\(writer)", taskContext: "c", result: ["n": .int(n)])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        for follower in followers {
            #expect(try await follower.value == Array(start + 1...start + UInt64(total)))
        }
    }

    @Test("texts prepared on one connection each run as themselves; a text whose preparation failed prepares afresh")
    func preparedStatements() async throws {
        let postgres = try Self.newSchema()
        let table = "probe_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.withClient(postgres) { client in
            try await client.withConnection { connection in
                func run(_ statement: SQLStatement) async throws -> [Int] {
                    var values: [Int] = []
                    for try await value in try await PreparedStatement.execute(
                        statement, on: connection, logger: Self.logger
                    ).decode(Int.self) {
                        values.append(value)
                    }
                    return values
                }
                for round in 1...3 {
                    for factor in [2, 3] {
                        var statement = SQLStatement()
                        let value = statement.bind(round)
                        statement.append("SELECT \(value)::bigint * \(factor)")
                        #expect(try await run(statement) == [round * factor])
                    }
                }
                let count = SQLStatement("SELECT count(*)::bigint FROM \(table)")
                await #expect(throws: (any Error).self) { try await run(count) }
                try await connection.query("CREATE TABLE \(unescaped: table) (n int)", logger: Self.logger)
                #expect(try await run(count) == [0])
                try await connection.query("DROP TABLE \(unescaped: table)", logger: Self.logger)
            }
        }
    }

    @Test("a schema newer than the library is refused; migrate reports what it did and upgrades version 1")
    func schemaVersions() async throws {
        let postgres = try Self.newSchema()
        #expect(try await PostgresGraphStore.migrate(postgres) == (0, 2))
        #expect(try await PostgresGraphStore.migrate(postgres) == (2, 2))
        let schema = postgres.schema
        // A version 1 schema (no embeddings) is upgraded, and its nodes take embeddings.
        let graph = try await MemoryGraph.postgres(postgres)
        let id = try await graph.addNode(agentID: "a", taskContext: "c", result: ["type": "note"])
        graph.close()
        try await Self.withClient(postgres) { client in
            try await client.query(PostgresQuery(unsafeSQL: "ALTER TABLE \"\(schema)\".nodes DROP COLUMN embedding"))
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(schema)\".text_terms"))
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(schema)\".text_documents"))
            try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM \"\(schema)\".meta WHERE key = 'text_paths'"))
            try await client.query(
                PostgresQuery(unsafeSQL: "UPDATE \"\(schema)\".meta SET value = '1' WHERE key = 'schema_version'"))
        }
        #expect(try await PostgresGraphStore.migrate(postgres) == (1, 2))
        let upgraded = try await MemoryGraph.postgres(postgres)
        #expect(try await upgraded.updateNode(id, embedding: .set([1, 2])) == 2)
        #expect(try await upgraded.search(SearchRequest(nearest: [1, 2])).map(\.node.id) == [id])
        // The upgrade built the full-text index from the nodes already there.
        let found = try await upgraded.store.searchText(
            [.exact("note")], matching: .all, filter: MemoryQuery(), limit: 5, metadataPaths: [])
        #expect(found?.map(\.id) == [id])
        upgraded.close()
        try await Self.withClient(postgres) { client in
            try await client.query(
                PostgresQuery(unsafeSQL: "UPDATE \"\(schema)\".meta SET value = '99' WHERE key = 'schema_version'"))
        }
        await expectCode(.incompatibleSchema) { try await MemoryGraph.postgres(postgres) }
    }

    @Test("instances that create one schema at once create it once")
    func concurrentCreation() async throws {
        let postgres = try Self.newSchema()
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresGraphStore.migrate(postgres).before } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(versions.sorted() == [0, 2, 2, 2])
    }

    @Test("a server that cannot be reached is .unavailable, with the cause")
    func unreachableServer() async throws {
        var postgres = try Self.newSchema()
        postgres.port = 1
        postgres.connectTimeout = .seconds(2)
        postgres.operationTimeout = .seconds(2)
        do {
            _ = try await MemoryGraph.postgres(postgres)
            Issue.record("a server on port 1 answered")
        } catch let error as MemoryGraphError {
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.underlyingError != nil)
        }
    }

    @Test("text PostgreSQL cannot hold (U+0000) is a clear invalidArgument, and nothing is stored")
    func nulCharacters() async throws {
        let graph = try await MemoryGraph.postgres(try Self.newSchema())
        defer { graph.close() }
        await expectCode(.invalidArgument) {
            try await graph.addNode(agentID: "a", taskContext: "c", result: ["text": "nul \u{0} here"])
        }
        await expectCode(.invalidArgument) {
            try await graph.addNode(agentID: "a\u{0}b", taskContext: "c", result: [:])
        }
        #expect(try await graph.statistics().nodes == 0)
    }

    @Test("connection URLs: every part, and clear errors")
    func urls() async throws {
        let postgres = try PostgresConfiguration(
            url: "postgresql://mem%40ory:s3cret@db.internal:6543/agents?schema=team_a&sslmode=require")
        #expect(postgres.username == "mem@ory" && postgres.password == "s3cret")
        #expect(postgres.host == "db.internal" && postgres.port == 6543 && postgres.database == "agents")
        #expect(postgres.schema == "team_a" && postgres.tls == .require)
        #expect(!postgres.redactedDescription.contains("s3cret"))
        #expect(postgres.connectTimeout == .seconds(10) && postgres.operationTimeout == .seconds(60))
        let timed = try PostgresConfiguration(url: "postgres://u@h/d?connect_timeout=3&operation_timeout=9")
        #expect(timed.connectTimeout == .seconds(3) && timed.operationTimeout == .seconds(9))
        for bad in [
            "mysql://u@h/d", "postgres://h/d", "postgres://u@h/d?schema=Team", "postgres://u@h/d?sslmode=maybe",
            "postgres://u@h/d?colour=blue", "postgres://u@h/d?schema=1abc", "postgres://u@h/d?connect_timeout=0",
            "postgres://u@h/d?connect_timeout=20&operation_timeout=10",
        ] {
            await expectCode(.invalidConfiguration, "\(bad)") { try PostgresConfiguration(url: bad) }
        }
    }
}

/// Expects `body` to throw a ``MemoryGraphError`` with `code`.
private func expectCode<Result>(
    _ code: MemoryGraphError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Result
) async {
    do {
        _ = try await body()
        Issue.record("no error; expected \(code)\(comment.map { " (\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        #expect((error as? MemoryGraphError)?.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}
