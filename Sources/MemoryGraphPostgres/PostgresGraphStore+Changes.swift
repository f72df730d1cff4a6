import Foundation
public import MemoryGraphCore
import PostgresNIO

/// The change log: the `changes` table, gap-free in commit order (see ``PostgresWriteBatch``).
extension PostgresGraphStore {
    public func currentSequence() async throws -> UInt64 {
        try await rows(SQLStatement("SELECT last_sequence FROM \(schema.head)"), "reading the change log") { rows in
            var last: Int64 = 0
            for try await value in rows.decode(Int64.self) { last = value }
            return UInt64(max(0, last))
        }
    }

    /// Reads the entries after `sequence` in pages of up to 500, oldest first, until `limit`
    /// match or ``ChangePage/maximumScanned`` were examined.
    public func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) async throws -> ChangePage {
        let start = Int64(clamping: sequence)
        return try await connected("reading the change log") { [self] connection in
            var bounds: (last: Int64, oldest: Int64?) = (0, nil)
            for try await row in try await connection.query(
                """
                SELECT h.last_sequence, (SELECT min(sequence) FROM \(unescaped: schema.changes))
                FROM \(unescaped: schema.head) h
                """, logger: logger
            ).decode((Int64, Int64?).self) {
                bounds = row
            }
            let oldest = bounds.oldest ?? bounds.last + 1
            if start < bounds.last, start + 1 < oldest {
                throw MemoryGraphError.changesTruncated(after: sequence, oldest: UInt64(oldest))
            }
            var page = ChangePage(changes: [], scannedThrough: sequence)
            guard limit > 0 else { return page }
            var after = start
            var scanned = 0
            while page.changes.count < limit, scanned < ChangePage.maximumScanned {
                let size = min(500, ChangePage.maximumScanned - scanned)
                var read = 0
                for try await row in try await connection.query(
                    """
                    SELECT sequence, committed_at, kind, node_id, target_id, bundle_id, agent_id, task_context, version
                    FROM \(unescaped: schema.changes) WHERE sequence > \(after) ORDER BY sequence LIMIT \(size)
                    """, logger: logger
                ).decode((Int64, PostgresTime, String, UUID?, UUID?, UUID?, String?, String?, Int?).self) {
                    read += 1
                    guard page.changes.count < limit else { continue }
                    let change = try Self.change(row)
                    after = row.0
                    scanned += 1
                    page.scannedThrough = change.sequence
                    if filter.matches(change) { page.changes.append(change) }
                }
                if read < size { break }
            }
            return page
        }
    }

    /// The entry a `changes` row holds.
    private static func change(
        _ row: (Int64, PostgresTime, String, UUID?, UUID?, UUID?, String?, String?, Int?)
    ) throws(MemoryGraphError) -> GraphChange {
        guard let kind = GraphChange.Kind(rawValue: row.2) else {
            throw MemoryGraphError(.corruption, "change \(row.0) has an unknown kind \(row.2)")
        }
        return GraphChange(
            sequence: UInt64(row.0), committedAt: row.1.date, kind: kind, nodeID: row.3.map(NodeID.init),
            targetID: row.4.map(NodeID.init), bundleID: row.5.map(BundleID.init), agentID: row.6, taskContext: row.7,
            version: row.8)
    }

    /// Returns once the log holds entries after `sequence`: woken by the notification of a
    /// commit (of any process), and looking again at least every 250 ms in case one was missed.
    public func waitForChanges(after sequence: UInt64, timeout: Duration) async {
        startListening()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while !Task.isCancelled, !isClosed, clock.now < deadline {
            let generation = commits.generation
            guard let last = try? await currentSequence(), last <= sequence else { return }
            await commits.wait(after: generation, timeout: min(.milliseconds(250), deadline - clock.now))
        }
    }

    /// The node as it is, then each earlier version the retained log holds, newest first.
    public func history(of id: NodeID) async throws -> [MemoryNode] {
        let current = try await node(id)
        return try await connected("reading the history of \(id)") { [self] connection in
            var earlier: [MemoryNode] = []
            for try await row in try await connection.query(
                """
                SELECT agent_id, task_context, previous_timestamp, previous_version, previous_updated_at,
                previous_expires_at, previous_result::text, previous_metadata::text
                FROM \(unescaped: schema.changes) WHERE node_id = \(id.uuid) AND previous_version IS NOT NULL
                ORDER BY sequence DESC
                """, logger: logger
            ).decode((String, String, PostgresTime, Int, PostgresTime, PostgresTime?, String, String).self) {
                let (result, metadata) = try NodeRow.payload(row.6, row.7, of: id)
                earlier.append(
                    MemoryNode(
                        id: id, agentID: row.0, taskContext: row.1, result: result, timestamp: row.2.date,
                        metadata: metadata, version: row.3, updatedAt: row.4.date, expiresAt: row.5?.date))
            }
            return (current.map { [$0] } ?? []) + earlier
        }
    }
}
