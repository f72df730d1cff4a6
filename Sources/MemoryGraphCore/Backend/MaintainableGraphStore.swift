/// A ``SynchronousGraphStore`` that can check and repair itself and write a hot backup: what
/// `memory-graph verify`, `repair` and `copy` use. Not every backend has these (a database
/// server brings its own tools), so they are a protocol of their own.
public protocol MaintainableGraphStore: SynchronousGraphStore {
    /// Checks every record, index entry, link, bundle and counter from one state.
    func verify() throws -> VerificationReport
    /// Checks one node — record, index entries, links and backlinks — from one state; `nil` when
    /// it does not exist, else its problems (empty when it is sound).
    func verifyNode(_ id: NodeID) throws -> [VerificationProblem]?
    /// Fixes what ``verify()`` finds and can be fixed, in one transaction, and reports what it
    /// found before.
    func repair() throws -> VerificationReport
    /// Writes a consistent copy of the store into the new directory `destination` while readers
    /// and writers go on; `compacting` omits free space.
    func backup(to destination: String, compacting: Bool) throws
}
