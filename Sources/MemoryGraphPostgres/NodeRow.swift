import Foundation
import MemoryGraphCore
import PostgresNIO

/// A node as a row of `nodes` reads: the columns ``columns(_:live:)`` selects, in order.
struct NodeRow {
    var id: UUID
    var agentID: String
    var taskContext: String
    var timestamp: PostgresTime
    var version: Int
    var updatedAt: PostgresTime
    var expiresAt: PostgresTime?
    var result: String
    var metadata: String
    var links: [UUID]

    /// The tuple `PostgresRow.decode` reads a node row as.
    typealias Columns = (UUID, String, String, PostgresTime, Int, PostgresTime, PostgresTime?, String, String, [UUID])

    init(_ columns: Columns) {
        (id, agentID, taskContext, timestamp, version, updatedAt, expiresAt, result, metadata, links) = columns
    }

    /// The select list of a node row of table alias `n`, its out-links to nodes that are live
    /// (`live` is the placeholder of the present time) in id order.
    static func columns(_ schema: PostgresSchema, live now: String) -> String {
        """
        n.id, n.agent_id, n.task_context, n."timestamp", n.version, n.updated_at, n.expires_at, n.result::text,
        n.metadata::text, ARRAY(SELECT l.target FROM \(schema.links) l JOIN \(schema.nodes) t ON t.id = l.target
        WHERE l.source = n.id AND \(live("t", now)) ORDER BY l.target)
        """
    }

    /// The select list of a node row of table alias `n` without its links (an empty array).
    static let columnsWithoutLinks = """
        n.id, n.agent_id, n.task_context, n."timestamp", n.version, n.updated_at, n.expires_at, n.result::text,
        n.metadata::text, ARRAY[]::uuid[]
        """

    /// The condition that node alias `alias` has not expired at the time in placeholder `now`.
    static func live(_ alias: String, _ now: String) -> String {
        "(\(alias).expires_at IS NULL OR \(alias).expires_at > \(now))"
    }

    /// The node.
    ///
    /// - Throws: ``MemoryGraphError/Code/corruption`` when the stored JSON does not parse.
    func node() throws(MemoryGraphError) -> MemoryNode {
        let id = NodeID(self.id)
        let (result, metadata) = try Self.payload(result, metadata, of: id)
        return MemoryNode(
            id: id, agentID: agentID, taskContext: taskContext, result: result, timestamp: timestamp.date,
            metadata: metadata, links: links.map(NodeID.init), version: version, updatedAt: updatedAt.date,
            expiresAt: expiresAt?.date)
    }

    /// A stored result and metadata, parsed.
    static func payload(_ result: String, _ metadata: String, of id: NodeID) throws(MemoryGraphError) -> (
        JSONValue, [String: JSONValue]
    ) {
        do {
            let parsedResult = try JSONValue(jsonString: result)
            guard case .object(let members) = try JSONValue(jsonString: metadata) else {
                throw MemoryGraphError(.corruption, "node \(id)'s metadata is not a JSON object")
            }
            return (parsedResult, members)
        } catch let error as MemoryGraphError where error.code == .corruption {
            throw error
        } catch {
            throw MemoryGraphError(.corruption, "node \(id)'s stored JSON does not parse", underlyingError: error)
        }
    }
}

extension AsyncSequence where Element == PostgresRow {
    /// The nodes of rows that hold ``NodeRow/columns(_:live:)``.
    func nodes() async throws -> [MemoryNode] {
        var nodes: [MemoryNode] = []
        for try await columns in decode(NodeRow.Columns.self) { nodes.append(try NodeRow(columns).node()) }
        return nodes
    }
}
