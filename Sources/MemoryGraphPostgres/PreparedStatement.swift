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
    ///
    /// postgres-nio remembers a statement whose preparation failed, on that connection, for
    /// good; after any failure the text gets a new name, so that the next run prepares afresh.
    static func execute(_ statement: SQLStatement, on connection: PostgresConnection, logger: Logger) async throws
        -> PreparedRows
    {
        let name = names.name(of: statement.text)
        do {
            return try await $current.withValue((name, statement.text)) {
                try await connection.execute(PreparedStatement(bindings: statement.bindings), logger: logger)
            }
        } catch {
            names.forget(name, of: statement.text)
            throw error
        }
    }

    /// The name of each text prepared so far in this process.
    private static let names = Names()

    private final class Names: Sendable {
        private let state = Mutex<(byText: [String: String], count: Int)>(([:], 0))

        /// The name of `text`, a new one the first time.
        func name(of text: String) -> String {
            state.withLock { state in
                if let name = state.byText[text] { return name }
                state.count += 1
                let name = "memory_graph_\(state.count)"
                state.byText[text] = name
                return name
            }
        }

        /// Gives `text` a new name from its next run on, unless that happened already.
        func forget(_ name: String, of text: String) {
            state.withLock { state in
                if state.byText[text] == name { state.byText[text] = nil }
            }
        }
    }
}

/// The rows of a ``PreparedStatement``; postgres-nio decodes them as it does a query's.
typealias PreparedRows = AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
