public import MemoryGraphCore

/// The change log, and waiting for it to grow.
extension RemoteGraphStore {
    /// The longest one wait request asks the service to wait; the service waits at most 30 s.
    static let longestWait = Duration.seconds(25)

    /// The sequence number of the newest entry of the service's change log.
    public func currentSequence() async throws -> UInt64 {
        try await operation {
            let (answer, _) = try await transport.json(.get("sequence"))
            guard let sequence = answer["sequence"]?.intValue.flatMap(UInt64.init(exactly:)) else {
                throw MemoryGraphError(.storage, "the service's sequence is not a sequence number: \(answer)")
            }
            return sequence
        }
    }

    /// The entries after `sequence` that match `filter`, oldest first, at most `limit`.
    ///
    /// - Throws: ``MemoryGraphError/Code/changesTruncated`` with the oldest sequence kept.
    public func changes(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) async throws -> ChangePage {
        try await operation {
            let body: JSONValue = [
                "after": WireFormat.sequence(sequence), "filter": filter.wire, "limit": .int(limit),
            ]
            let (answer, _) = try await transport.json(.post("changes", body))
            return try RemoteTransport.decode(answer, "page of changes")
        }
    }

    /// Returns once the service's log may hold entries after `sequence`, after `timeout` (each
    /// request waits at most ``longestWait``, and this returns after one), or when the task is
    /// cancelled. When the service cannot be reached it returns after a short pause: the next
    /// read reports the failure.
    public func waitForChanges(after sequence: UInt64, timeout: Duration) async {
        let wait = max(min(timeout, Self.longestWait), .zero)
        let milliseconds = wait.nanoseconds / 1_000_000
        var call = RemoteTransport.Call.get(
            "changes/wait", [("after", String(sequence)), ("timeout_ms", String(milliseconds))])
        call.timeout = wait + transport.configuration.requestTimeout
        call.cancellable = true
        do {
            _ = try await operation { try await transport.json(call) }
        } catch {
            try? await Task.sleep(for: min(wait, .milliseconds(100)))
        }
    }
}
