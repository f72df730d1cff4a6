import MemoryGraph

/// The writes one writer saw acknowledged.
///
/// `@unchecked Sendable`: each instance is appended to by one thread only (its writer, or the
/// main thread for a worker process's log), and read on the main thread after the writers'
/// `DispatchGroup.wait()`, which orders every append before the reads.
final class AcknowledgedWrites: @unchecked Sendable {
    private(set) var writes: [(id: NodeID, agent: String, context: String)] = []

    func append(_ id: NodeID, agent: String, context: String) { writes.append((id, agent, context)) }
}
