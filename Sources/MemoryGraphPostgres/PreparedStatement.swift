import Logging
import PostgresNIO
import Synchronization

/// A statement that each connection parses and plans once, as a named prepared statement, and
/// then only binds and executes: most reads spend more of their time in PostgreSQL's parser and
/// planner than in running.
///
/// postgres-nio keeps prepared statements per connection, keyed by a name and with an SQL text
/// that it reads from the statement's *type*, in the task that calls `execute`, before the
/// statement is sent. The graph's statements are put together at run time (a query's criteria
/// decide its conditions), so this one type serves them all: its name and text are task-local
/// values, set around each `execute`. Each distinct text gets its own name for the life of the
/// process.
struct PreparedStatement: PostgresPreparedStatement {
    /// The name and text of the statement being executed in this task.
    @TaskLocal private static var current = (name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    private let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// Runs `statement` on `connection` as a prepared statement.
    static func execute(_ statement: SQLStatement, on connection: PostgresConnection, logger: Logger) async throws
        -> PreparedRows
    {
        try await $current.withValue((names.name(of: statement.text), statement.text)) {
            try await connection.execute(PreparedStatement(bindings: statement.bindings), logger: logger)
        }
    }

    /// The name of each text prepared so far in this process.
    private static let names = Names()

    private final class Names: Sendable {
        private let byText = Mutex<[String: String]>([:])

        func name(of text: String) -> String {
            byText.withLock { names in
                if let name = names[text] { return name }
                let name = "memory_graph_\(names.count + 1)"
                names[text] = name
                return name
            }
        }
    }
}

/// The rows of a ``PreparedStatement``; postgres-nio decodes them as it does a query's.
typealias PreparedRows = AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
