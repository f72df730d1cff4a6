import Logging

extension GraphMutation {
    /// The debug log entries of this mutation once applied: ids and names, never payloads.
    var logMetadata: [Logger.Metadata] {
        switch self {
        case .addNodes(let drafts):
            return drafts.map {
                [
                    "node_id": "\($0.id.map { "\($0)" } ?? "")", "agent_id": .string($0.agentID),
                    "task_context": .string($0.taskContext),
                ]
            }
        case .updateNode(let id, _, let expected, _):
            return [["node_id": "\(id)", "expected_version": "\(expected.map { "\($0)" } ?? "any")"]]
        case .removeNode(let id): return [["node_id": "\(id)"]]
        case .forgetNodes(_, let limit), .sweepExpired(let limit): return [["limit": "\(limit)"]]
        case .link(let source, let target), .unlink(let source, let target):
            return [["node_id": "\(source)", "target_id": "\(target)"]]
        case .createBundle(let bundle): return [["bundle_id": "\(bundle.id)", "task_id": .string(bundle.taskID)]]
        case .addToBundle(let id, _), .removeBundle(let id): return [["bundle_id": "\(id)"]]
        case .setCreationTime: return [[:]]
        }
    }
}
