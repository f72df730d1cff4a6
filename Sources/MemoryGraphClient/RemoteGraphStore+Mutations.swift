public import MemoryGraphCore

/// Writes: a batch of mutations is one request.
extension RemoteGraphStore {
    /// Applies `mutations` on the service, each alone, in one request: the result at index *i*
    /// is that of `mutations[i]`. When the service cannot be reached every result is
    /// ``MemoryGraphError/Code/unavailable``; the request was repeated first when every
    /// mutation of the batch may be (see ``GraphMutation/isRepeatable``).
    public func apply(_ mutations: [GraphMutation]) async -> [Result<MutationOutcome, MemoryGraphError>] {
        guard !mutations.isEmpty else { return [] }
        do {
            return try await operation {
                let repeatable = mutations.allSatisfy(\.isRepeatable)
                let call = RemoteTransport.Call.post(
                    "apply", ["mutations": WireFormat.array(mutations)], repeatable: repeatable)
                let (answer, attempts) = try await transport.json(call)
                guard let items = answer["results"]?.arrayValue, items.count == mutations.count else {
                    throw MemoryGraphError(.storage, "the service answered another number of results than mutations")
                }
                var results: [Result<MutationOutcome, MemoryGraphError>] = []
                for (item, mutation) in zip(items, mutations) {
                    let result: Result<MutationOutcome, MemoryGraphError> = try RemoteTransport.decode(item, "result")
                    results.append(attempts > 1 ? try await ownUpdate(result, of: mutation) : result)
                }
                return results
            }
        } catch {
            return Array(repeating: .failure(MemoryGraphError.from(error)), count: mutations.count)
        }
    }

    /// `result`, or the success of a compare-and-set update that an earlier attempt of a
    /// repeated request applied: its conflict then finds the node one version on, updated at
    /// the update's own time with its content.
    private func ownUpdate(
        _ result: Result<MutationOutcome, MemoryGraphError>, of mutation: GraphMutation
    ) async throws -> Result<MutationOutcome, MemoryGraphError> {
        guard case .failure(let error) = result, error.code == .versionConflict,
            case .updateNode(let id, let update, .some(let expected), let updatedAt) = mutation,
            error.currentVersion == expected + 1
        else { return result }
        let (answer, _) = try await transport.json(.get("nodes/\(id)"))
        let node: MemoryNode = try RemoteTransport.decode(answer, "node")
        let landed =
            node.version == expected + 1 && node.updatedAt == updatedAt
            && update.result.map { $0 == node.result } ?? true && update.metadata.map { $0 == node.metadata } ?? true
        return landed ? .success(.updated(node.revision)) : result
    }
}

extension GraphMutation {
    /// Whether sending the mutation again after a lost answer cannot write twice: an add whose
    /// drafts carry their ids (a repeated add of the same content is a no-op), an update with
    /// an expected version (a repeat conflicts, and is recognised as its own), an addition to a
    /// bundle (nodes in it are skipped), a creation time.
    var isRepeatable: Bool {
        switch self {
        case .addNodes(let drafts): drafts.allSatisfy { $0.id != nil }
        case .updateNode(_, _, let expectedVersion, _): expectedVersion != nil
        case .addToBundle, .setCreationTime: true
        case .removeNode, .forgetNodes, .sweepExpired, .link, .unlink, .createBundle, .removeBundle: false
        }
    }
}
