import Foundation
public import MemoryGraphCore

/// Writes: each batch is one SQL transaction (see ``PostgresWriteBatch``), run again from the
/// start when PostgreSQL aborted it for a conflict with another transaction.
extension PostgresGraphStore {
    /// Applies `mutations` in one transaction, each alone: see ``GraphStore/apply(_:)``.
    ///
    /// A serialization failure, a deadlock or a unique-key race with another process rolls the
    /// whole transaction back; it then runs again (up to 8 times). When the server cannot be
    /// reached, every mutation fails with ``MemoryGraphError/Code/unavailable``: a commit whose
    /// answer was lost may have happened, and a retry is safe (adds carry their ids, updates
    /// their expected version).
    public func apply(_ mutations: [GraphMutation]) async -> [Result<MutationOutcome, MemoryGraphError>] {
        guard !mutations.isEmpty else { return [] }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (results, appended) = try await connected("applying \(mutations.count) mutations") {
                    [self] connection in
                    var batch = PostgresWriteBatch(store: self, connection: connection)
                    return try await batch.run(mutations)
                }
                if appended { commits.signal() }
                return results
            } catch let error where attempt < 8 && PostgresFailure.isTransient(error.underlyingError ?? error) {
                try? await Task.sleep(for: .microseconds(Int.random(in: 100...2_000) * attempt))
            } catch {
                return mutations.map { _ in .failure(error) }
            }
        }
    }
}
