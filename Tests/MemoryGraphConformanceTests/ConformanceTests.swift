import MemoryGraphTesting
import Testing

/// The conformance suite, for every backend in ``ConformanceSubject/all``.
@Suite("Conformance")
struct ConformanceTests {
    @Test("orders, ties and pages", arguments: ConformanceSubject.all)
    func ordersAndPages(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.ordersAndPages(on: subject)
    }

    @Test("every query criterion and its bounds", arguments: ConformanceSubject.all)
    func criteria(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.criteria(on: subject)
    }

    @Test("links and neighbors", arguments: ConformanceSubject.all)
    func linksAndNeighbors(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.linksAndNeighbors(on: subject)
    }

    @Test("random searches rank as BM25 over the nodes that match the filter", arguments: ConformanceSubject.all)
    func randomSearches(_ subject: ConformanceSubject) async throws {
        try await SearchConformance.randomSearches(on: subject, seed: 0x5EA4C4)
    }

    @Test("bad searches are refused and say why", arguments: ConformanceSubject.all)
    func badSearches(_ subject: ConformanceSubject) async throws {
        try await SearchConformance.badSearches(on: subject)
    }

    @Test(
        "random vector searches rank as a brute-force comparison of the filter's matches",
        arguments: ConformanceSubject.all)
    func randomVectorSearches(_ subject: ConformanceSubject) async throws {
        try await VectorConformance.randomVectorSearches(on: subject, seed: 0x7EC7)
    }

    @Test("bad vectors are refused and say why", arguments: ConformanceSubject.all)
    func badVectors(_ subject: ConformanceSubject) async throws {
        try await VectorConformance.badVectors(on: subject)
    }

    @Test("bundles", arguments: ConformanceSubject.all)
    func bundles(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.bundles(on: subject)
    }

    @Test("statistics", arguments: ConformanceSubject.all)
    func statistics(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.statistics(on: subject)
    }

    @Test("records read back as written, and the export's order", arguments: ConformanceSubject.all)
    func recordsAndExport(_ subject: ConformanceSubject) async throws {
        try await ExampleConformance.recordsAndExport(on: subject)
    }

    @Test(
        "random operations answer as the reference does", arguments: ConformanceSubject.all, [42, 7] as [UInt64])
    func randomOperations(_ subject: ConformanceSubject, seed: UInt64) async throws {
        try await StoreModelConformance.randomOperations(on: subject, seed: seed)
    }

    @Test("random queries, counts, ids and every page match the reference", arguments: ConformanceSubject.all)
    func randomQueries(_ subject: ConformanceSubject) async throws {
        try await QueryConformance.randomQueries(on: subject, seed: 11)
    }

    @Test(
        "nodes added between pages are never returned twice, and no older node is skipped",
        arguments: ConformanceSubject.all)
    func pagingUnderWrites(_ subject: ConformanceSubject) async throws {
        try await QueryConformance.pagingUnderWrites(on: subject)
    }

    @Test("neighbors over random links with cycles match the reference", arguments: ConformanceSubject.all)
    func neighbors(_ subject: ConformanceSubject) async throws {
        try await QueryConformance.neighbors(on: subject, seed: 31)
    }

    @Test("bad input is rejected and nothing changes", arguments: ConformanceSubject.all, InputConformance.cases)
    func rejected(_ subject: ConformanceSubject, _ testCase: InputConformance.Case) async throws {
        try await InputConformance.rejected(testCase, on: subject)
    }

    @Test("operations on a closed graph fail with .closed", arguments: ConformanceSubject.all)
    func closedGraph(_ subject: ConformanceSubject) async throws {
        try await InputConformance.closedGraph(on: subject)
    }

    @Test("disabled bundling is reported", arguments: ConformanceSubject.all)
    func bundlingDisabled(_ subject: ConformanceSubject) async throws {
        try await InputConformance.bundlingDisabled(on: subject)
    }

    @Test(
        "64 tasks adding and recalling at once: every acknowledged node is present and indexed once",
        arguments: ConformanceSubject.all)
    func concurrentAddsAndRecalls(_ subject: ConformanceSubject) async throws {
        try await ConcurrencyConformance.concurrentAddsAndRecalls(on: subject)
    }

    @Test("a failing write among concurrent ones fails alone", arguments: ConformanceSubject.all)
    func failingWritesStayAlone(_ subject: ConformanceSubject) async throws {
        try await ConcurrencyConformance.failingWritesStayAlone(on: subject)
    }

    @Test("in one batch of mutations each failing one fails alone", arguments: ConformanceSubject.all)
    func batchFailuresStayAlone(_ subject: ConformanceSubject) async throws {
        try await ConcurrencyConformance.batchFailuresStayAlone(on: subject)
    }

    @Test(
        "an update replaces, re-indexes and versions a node; a wrong version writes nothing",
        arguments: ConformanceSubject.all)
    func updates(_ subject: ConformanceSubject) async throws {
        try await RevisionConformance.updates(on: subject)
    }

    @Test("modify reads, decides and writes as one step", arguments: ConformanceSubject.all)
    func modify(_ subject: ConformanceSubject) async throws {
        try await RevisionConformance.modify(on: subject)
    }

    @Test(
        "8 tasks × 500 compare-and-set increments of one counter: exactly 4 000, version 4 001",
        arguments: ConformanceSubject.all)
    func arbitration(_ subject: ConformanceSubject) async throws {
        try await RevisionConformance.arbitration(on: subject)
    }

    @Test(
        "a retried add of the same content adds nothing; other content is a duplicate",
        arguments: ConformanceSubject.all)
    func retriedAdds(_ subject: ConformanceSubject) async throws {
        try await RevisionConformance.retriedAdds(on: subject)
    }

    @Test(
        "dump, restore, dump gives the same lines, and the restored store answers the same",
        arguments: ConformanceSubject.all)
    func dumpRoundTrip(_ subject: ConformanceSubject) async throws {
        try await DumpConformance.roundTrip(on: subject)
    }

    @Test(
        "a dump restores into every other backend and back, line for line",
        arguments: ConformanceSubject.all, ConformanceSubject.all)
    func dumpAcrossBackends(_ source: ConformanceSubject, _ other: ConformanceSubject) async throws {
        try await DumpConformance.acrossBackends(from: source, through: other)
    }

    @Test(
        "each kind of malformed dump fails with its line number and leaves the store empty",
        arguments: ConformanceSubject.all)
    func malformedDumps(_ subject: ConformanceSubject) async throws {
        try await DumpConformance.malformedDumps(on: subject)
    }

    @Test("a dump taken while writers run is one consistent snapshot", arguments: ConformanceSubject.all)
    func dumpDuringWrites(_ subject: ConformanceSubject) async throws {
        try await DumpConformance.dumpDuringWrites(on: subject)
    }

    @Test("every change is logged once, in commit order; pages, filters and history", arguments: ConformanceSubject.all)
    func changeLog(_ subject: ConformanceSubject) async throws {
        try await ChangeLogConformance.changes(on: subject)
    }

    @Test(
        "a follower sees every change of 4 writers exactly once, in order, and resumes",
        arguments: ConformanceSubject.all)
    func followingChanges(_ subject: ConformanceSubject) async throws {
        try await ChangeLogConformance.following(on: subject)
    }

    @Test("retention drops the oldest changes and says so", arguments: ConformanceSubject.all)
    func changeRetention(_ subject: ConformanceSubject) async throws {
        try await ChangeLogConformance.retention(on: subject)
    }

    @Test(
        "forget removes every matching node in batches, with its links and memberships",
        arguments: ConformanceSubject.all)
    func forget(_ subject: ConformanceSubject) async throws {
        try await ForgetConformance.forget(on: subject)
    }

    @Test(
        "an expired node is invisible to every read before the sweep, and swept as a removal",
        arguments: ConformanceSubject.all)
    func expiry(_ subject: ConformanceSubject) async throws {
        try await ExpiryConformance.expiry(on: subject)
    }

    @Test(
        "a session writes as its agent and sees nothing outside its read scope",
        arguments: ConformanceSubject.all)
    func sessions(_ subject: ConformanceSubject) async throws {
        try await ScopeConformance.sessions(on: subject)
    }

    @Test("sessions with random scopes answer as the scope-filtered graph", arguments: ConformanceSubject.all)
    func randomScopes(_ subject: ConformanceSubject) async throws {
        try await ScopeConformance.randomScopes(on: subject)
    }
}
