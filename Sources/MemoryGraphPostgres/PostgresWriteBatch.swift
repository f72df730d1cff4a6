import Foundation
import Logging
import MemoryGraphCore
import NIOConcurrencyHelpers
import OrderedCollections
import PostgresNIO

/// One batch of mutations as one transaction on one connection.
///
/// It removes the nodes whose expiry has come (up to 1 000), then runs each mutation — inside a
/// savepoint when the batch holds several or the sweep removed any, so that a failing mutation
/// fails alone — and finally appends the batch's change log entries. Their sequence numbers come
/// from the `head` row, updated as the last statement before `COMMIT`: its lock makes every
/// other writer wait until this one has committed, so sequence order is commit order and a
/// follower never sees a later number before an earlier one.
struct PostgresWriteBatch {
    let store: PostgresGraphStore
    let connection: PostgresConnection
    /// The present for expiry (``MemoryGraph/Configuration/currentTime``).
    let now: Microseconds
    /// When the batch's entries say they were committed.
    let commitTime = Microseconds.now()
    /// The entries of the mutations applied so far.
    private(set) var pending: [PendingChange] = []
    /// The metadata paths of the full-text index, once read in this transaction.
    var textPaths: [String]??

    var schema: PostgresSchema { store.schema }
    var configuration: MemoryGraph.Configuration { store.configuration }

    /// A change log entry to append, with the node's earlier version when the change keeps one.
    struct PendingChange {
        var change: GraphChange
        var previous: MemoryNode?
    }

    /// The most expired nodes a batch removes before its mutations, as the LMDB writer.
    static let sweepLimit = 1_000

    init(store: PostgresGraphStore, connection: PostgresConnection) {
        self.store = store
        self.connection = connection
        now = Microseconds(nearest: store.configuration.currentTime())
    }

    /// Runs the batch; returns each mutation's result and whether the log grew.
    ///
    /// - Throws: What aborts the whole transaction: a lost connection, a conflict with another
    ///   transaction (run it again), a failing statement outside a mutation.
    mutating func run(_ mutations: [GraphMutation]) async throws -> ([Result<MutationOutcome, MemoryGraphError>], Bool)
    {
        try await execute("BEGIN")
        do {
            let onlySweeps = mutations.allSatisfy { if case .sweepExpired = $0 { true } else { false } }
            let swept = onlySweeps ? 0 : try await sweep(limit: Self.sweepLimit)
            let isolated = mutations.count > 1 || swept > 0
            var results: [Result<MutationOutcome, MemoryGraphError>] = []
            var committed = 0
            for mutation in mutations {
                let mark = pending.count
                if isolated { try await execute("SAVEPOINT mutation") }
                do {
                    let outcome = try await perform(mutation)
                    if isolated { try await execute("RELEASE SAVEPOINT mutation") }
                    results.append(.success(outcome))
                    committed += 1
                } catch let error where !PostgresFailure.abortsTransaction(error) {
                    pending.removeSubrange(mark...)
                    let failure = PostgresFailure.mapped(error, while: "applying \(mutation.name)")
                    guard isolated else {
                        try await execute("ROLLBACK")
                        return ([.failure(failure)], false)
                    }
                    try await execute("ROLLBACK TO SAVEPOINT mutation")
                    try await execute("RELEASE SAVEPOINT mutation")
                    results.append(.failure(failure))
                }
            }
            guard committed > 0 || !pending.isEmpty else {
                try await execute("ROLLBACK")
                return (results, false)
            }
            try await finish(committed: committed)
            try await execute("COMMIT")
            return (results, !pending.isEmpty)
        } catch {
            _ = try? await execute("ROLLBACK")
            throw error
        }
    }

    /// Takes the next sequence numbers, counts the writes, appends the batch's entries and
    /// notifies followers — one statement — then trims the log as the retention says: the
    /// transaction's last statements.
    private mutating func finish(committed: Int) async throws {
        let count = Int64(pending.count)
        var statement = SQLStatement()
        let appended = statement.bind(count)
        statement.append(
            """
            WITH head AS (UPDATE \(schema.head) SET last_sequence = last_sequence + \(appended),
            writes = writes + \(statement.bind(Int64(committed))), commits = commits + \(statement.bind(Int64(committed > 0 ? 1 : 0)))
            RETURNING last_sequence)
            """)
        let first = pending.prefix(Self.entriesPerStatement)
        if first.isEmpty {
            statement.append(" SELECT last_sequence FROM head")
        } else {
            statement.append(
                """
                , appended AS (INSERT INTO \(schema.changes) (sequence, \(Self.changeColumns))
                SELECT head.last_sequence - \(appended) + entry.ordinal, \(Self.changeColumns) FROM head,
                (VALUES \(try entryRows(first, numbered: 1, in: &statement))) AS entry(ordinal, \(Self.changeColumns)))
                SELECT last_sequence FROM head, pg_notify(\(statement.bind(schema.channel)), '')
                """)
        }
        var found: Int64?
        for try await value in try await connection.query(statement.query, logger: store.logger).decode(Int64.self) {
            found = value
        }
        guard let last = found else {
            throw MemoryGraphError(
                .corruption,
                "the head row of schema \(store.postgres.schema) is missing; run memory-graph migrate, or restore a dump"
            )
        }
        // A batch too large for one statement: the rest of its entries, numbered after the first.
        for chunk in stride(from: first.count, to: pending.count, by: Self.entriesPerStatement) {
            var rest = SQLStatement()
            let entries = pending[chunk..<min(chunk + Self.entriesPerStatement, pending.count)]
            let base = rest.bind(last - count)
            rest.append(
                """
                INSERT INTO \(schema.changes) (sequence, \(Self.changeColumns))
                SELECT \(base) + entry.ordinal, \(Self.changeColumns)
                FROM (VALUES \(try entryRows(entries, numbered: chunk + 1, in: &rest))) AS entry(ordinal, \(Self.changeColumns))
                """)
            try await connection.query(rest.query, logger: store.logger)
        }
        guard !pending.isEmpty else { return }
        try await trimLog(last: last)
    }

    /// The change log's columns but the sequence number.
    private static let changeColumns = """
        committed_at, kind, node_id, target_id, bundle_id, agent_id, task_context, version, previous_timestamp,
        previous_version, previous_updated_at, previous_expires_at, previous_result, previous_metadata
        """

    /// The most entries one statement appends (14 parameters each, of PostgreSQL's 65 535).
    private static let entriesPerStatement = 1_000

    /// `entries` as rows of a `VALUES` list: their ordinal in the batch (from `number`), then
    /// ``changeColumns``.
    private func entryRows(_ entries: ArraySlice<PendingChange>, numbered number: Int, in statement: inout SQLStatement)
        throws -> String
    {
        var rows: [String] = []
        for (offset, entry) in entries.enumerated() {
            let change = entry.change
            let previous = entry.previous
            // Each typed: PostgreSQL infers a `VALUES` column's type from its rows, and a bound
            // `NULL` carries none.
            let values = [
                String(number + offset), statement.bind(PostgresTime(commitTime)) + "::timestamptz",
                statement.bind(change.kind.rawValue) + "::text",
                statement.bind(change.nodeID?.uuid) + "::uuid", statement.bind(change.targetID?.uuid) + "::uuid",
                statement.bind(change.bundleID?.uuid) + "::uuid", statement.bind(change.agentID) + "::text",
                statement.bind(change.taskContext) + "::text", statement.bind(change.version) + "::bigint",
                statement.bind(previous.map { PostgresTime(Microseconds(nearest: $0.timestamp)) }) + "::timestamptz",
                statement.bind(previous?.version) + "::bigint",
                statement.bind(previous.map { PostgresTime(Microseconds(nearest: $0.updatedAt)) }) + "::timestamptz",
                statement.bind(previous?.expiresAt.map { PostgresTime(Microseconds(nearest: $0)) }) + "::timestamptz",
                try previous.map { statement.bind(try $0.result.jsonString()) + "::jsonb" } ?? "NULL::jsonb",
                try previous.map { statement.bind(try JSONValue.object($0.metadata).jsonString()) + "::jsonb" }
                    ?? "NULL::jsonb",
            ]
            rows.append("(" + values.joined(separator: ", ") + ")")
        }
        return rows.joined(separator: ", ")
    }

    /// Drops the oldest entries beyond the retention, at most as many as the batch appended
    /// plus 1 024 (as the LMDB store does): the entries before the first one that is neither
    /// beyond the count nor too old.
    ///
    /// The oldest entry is looked up only when the one the store saw last is due: entries are
    /// only ever dropped from the front, so the real oldest is that one or a later one. Commit
    /// times come from each writer's clock, taken as its batch starts, so they may go back a
    /// little as sequence numbers grow; trimming by age is as exact as those clocks.
    private func trimLog(last: Int64) async throws {
        let retention = configuration.changeRetention
        guard retention.maximumEntries != nil || retention.maximumAge != nil else { return }
        let countCut = retention.maximumEntries.map { last - Int64($0) } ?? Int64.min
        let oldestKept = retention.maximumAgeMicroseconds.map { commitTime.value - $0 }
        func isDue(_ oldest: OldestChange) -> Bool {
            oldest.sequence <= countCut || oldestKept.map { oldest.committedAt.value < $0 } ?? false
        }
        if let seen = store.oldestChange.withLockedValue({ $0 }), !isDue(seen) { return }
        var found: OldestChange?
        for try await (sequence, committedAt) in try await connection.query(
            "SELECT sequence, committed_at FROM \(unescaped: schema.changes) ORDER BY sequence LIMIT 1",
            logger: store.logger
        ).decode((Int64, PostgresTime).self) {
            found = OldestChange(sequence: sequence, committedAt: committedAt.microseconds)
        }
        guard let oldest = found else { return }
        store.oldestChange.withLockedValue { $0 = oldest }
        guard isDue(oldest) else { return }
        let budgetEnd = oldest.sequence + Int64(pending.count) + 1024
        var stop = min(max(countCut + 1, oldest.sequence), budgetEnd)
        if let oldestKept {
            // The first entry past the count bound that is recent enough ends the run of drops.
            var first: Int64?
            for try await value in try await connection.query(
                """
                SELECT min(sequence) FROM \(unescaped: schema.changes) WHERE sequence >= \(stop)
                AND sequence < \(budgetEnd) AND committed_at >= \(PostgresTime(Microseconds(oldestKept)))
                """, logger: store.logger
            ).decode(Int64?.self) {
                first = value
            }
            stop = first ?? budgetEnd
        }
        try await connection.query(
            "DELETE FROM \(unescaped: schema.changes) WHERE sequence < \(stop)", logger: store.logger)
        store.oldestChange.withLockedValue { $0 = nil }
    }

    /// Runs fixed SQL.
    func execute(_ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: store.logger)
    }

    /// Notes a change of `node` (its id, agent, context and version).
    mutating func log(_ kind: GraphChange.Kind, _ node: MemoryNode, previous: MemoryNode? = nil) {
        pending.append(
            PendingChange(
                change: GraphChange(
                    sequence: 0, committedAt: commitTime.date, kind: kind, nodeID: node.id, agentID: node.agentID,
                    taskContext: node.taskContext, version: node.version),
                previous: previous))
    }

    /// Notes a change of the link from `source` (whose agent and context are given) to `target`.
    mutating func logLink(_ kind: GraphChange.Kind, from source: NodeID, to target: NodeID, owner: (String, String)?) {
        pending.append(
            PendingChange(
                change: GraphChange(
                    sequence: 0, committedAt: commitTime.date, kind: kind, nodeID: source, targetID: target,
                    agentID: owner?.0, taskContext: owner?.1)))
    }

    /// Notes a change of bundle `id`.
    mutating func logBundle(_ kind: GraphChange.Kind, _ id: BundleID) {
        pending.append(
            PendingChange(change: GraphChange(sequence: 0, committedAt: commitTime.date, kind: kind, bundleID: id)))
    }
}

/// The oldest entry of the change log as a writer saw it.
struct OldestChange: Sendable {
    var sequence: Int64
    var committedAt: Microseconds
}
