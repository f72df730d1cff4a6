#if canImport(MemoryGraphPostgres)
    import Dispatch
    import Foundation
    import Logging
    import MemoryGraph
    import MemoryGraphWorkload
    import PostgresNIO
    import SeededRandom

    extension PostgresBench {
        /// The scenarios after the load, on one graph: the backend, raw SQL beside it, and the LMDB
        /// graph of the same data whose answers the backend's must equal.
        struct Scenario {
            let graph: MemoryGraph
            let raw: PostgresClient
            let lmdb: MemoryGraph
            let logger: Logger
            let bench: PostgresBench

            /// Answers compared before timing, per scenario.
            private var checked: Int { min(bench.operations, 500) }

            private func random(_ salt: UInt64) -> SplitMix64 { SplitMix64(seed: bench.seed ^ salt) }

            private func randomNode(_ random: inout SplitMix64) -> Workload.Node {
                bench.workload.nodes[Int.random(in: 0..<bench.workload.nodes.count, using: &random)]
            }

            /// The ids a raw statement returns.
            private func rawIDs<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [NodeID]
            where Statement.Row == PostgresRawSQL.Row {
                var ids: [NodeID] = []
                for try await row in try await raw.execute(statement, logger: logger) {
                    guard let id = NodeID(row.0.uuidString) else {
                        throw AnswerMismatch(description: "raw SQL returned the id \(row.0), not a node id")
                    }
                    ids.append(id)
                }
                return ids
            }

            /// `id` as a Foundation `UUID`, as postgres-nio binds it.
            private func uuid(_ id: NodeID) throws -> UUID {
                guard let uuid = UUID(uuidString: id.description) else {
                    throw AnswerMismatch(description: "node id \(id) is not a UUID")
                }
                return uuid
            }

            /// S2: point reads by id, through the backend and as one prepared `SELECT`.
            func pointReads() async throws -> ScenarioResult {
                var random = random(0x52)
                let ids = (0..<bench.operations).map { _ in randomNode(&random).id }
                let now = Date()
                for id in ids.prefix(checked) {
                    let mine = try await graph.node(id)
                    guard let mine, mine == (try await lmdb.node(id)),
                        try await rawIDs(PostgresRawSQL.PointRead(now: now, id: uuid(id))) == [id]
                    else { throw AnswerMismatch(description: "S2 on PostgreSQL: node \(id) differs") }
                }
                let (mine, theirs) = try await sideBySide(
                    ids.count,
                    backend: { index in
                        guard try await graph.node(ids[index]) != nil else {
                            throw AnswerMismatch(description: "S2 on PostgreSQL: a node is missing")
                        }
                    },
                    raw: { index in
                        guard try await !rawIDs(PostgresRawSQL.PointRead(now: now, id: uuid(ids[index]))).isEmpty else {
                            throw AnswerMismatch(description: "S2 on raw SQL: a node is missing")
                        }
                    })
                return ScenarioResult(
                    id: "S2", title: "point reads", memoryGraph: mine, baselineName: PostgresBench.rawName,
                    baseline: theirs)
            }

            /// S3: recall of an agent in a context, limit 50.
            func recall() async throws -> ScenarioResult {
                var random = random(0x53)
                let pairs = (0..<bench.operations).map { _ -> (String, String) in
                    let node = randomNode(&random)
                    return (node.agent, node.context)
                }
                let now = Date()
                func statement(_ index: Int) -> PostgresRawSQL.Recall {
                    PostgresRawSQL.Recall(now: now, agent: pairs[index].0, context: pairs[index].1, limit: 50)
                }
                for index in 0..<checked {
                    let (agent, context) = pairs[index]
                    let mine = try await graph.recall(agentID: agent, taskContext: context, limit: 50)
                    guard mine == (try await lmdb.recall(agentID: agent, taskContext: context, limit: 50)),
                        try await mine.map(\.id) == rawIDs(statement(index))
                    else { throw AnswerMismatch(description: "S3 on PostgreSQL: \(agent) × \(context) differs") }
                }
                let (mine, theirs) = try await sideBySide(
                    pairs.count,
                    backend: { index in
                        _ = try await graph.recall(agentID: pairs[index].0, taskContext: pairs[index].1, limit: 50)
                    },
                    raw: { index in _ = try await rawIDs(statement(index)) })
                return ScenarioResult(
                    id: "S3", title: "recall (agent, context), limit 50", memoryGraph: mine,
                    baselineName: PostgresBench.rawName, baseline: theirs)
            }

            /// S4: 3 agents × 5 contexts × 7 days × confidence ≥ 0.8, limit 100 (S4 of the LMDB run).
            func query() async throws -> ScenarioResult {
                var random = random(0x54)
                let week: Int64 = 7 * 86_400_000
                let now = Date()
                let inputs = (0..<bench.operations).map { _ -> (query: MemoryQuery, raw: PostgresRawSQL.Query) in
                    let agents = Set(
                        (0..<3).map { _ in
                            Workload.agents[Int.random(in: 0..<Workload.agents.count, using: &random)]
                        })
                    let contexts = Set(
                        (0..<5).map { _ in
                            Workload.contexts[bench.workload.contextSampler.next(using: &random)]
                        })
                    let start = Workload.end - Int64.random(in: week...Workload.span, using: &random)
                    let range =
                        Date(
                            timeIntervalSince1970: Double(start) / 1000)..<Date(
                            timeIntervalSince1970: Double(start + week) / 1000)
                    var query = MemoryQuery()
                    query.agentIDs = agents
                    query.contexts = contexts
                    query.timeRange = range
                    query.minConfidence = 0.8
                    query.limit = 100
                    let raw = PostgresRawSQL.Query(
                        now: now, agents: agents.sorted(), contexts: contexts.sorted(), start: range.lowerBound,
                        end: range.upperBound, minimum: 0.8, limit: 100)
                    return (query, raw)
                }
                for index in 0..<checked {
                    let mine = try await graph.query(inputs[index].query).nodes
                    guard mine == (try await lmdb.query(inputs[index].query).nodes),
                        try await mine.map(\.id) == rawIDs(inputs[index].raw)
                    else { throw AnswerMismatch(description: "S4 on PostgreSQL: query \(index) differs") }
                }
                let (mine, theirs) = try await sideBySide(
                    inputs.count,
                    backend: { index in _ = try await graph.query(inputs[index].query) },
                    raw: { index in _ = try await rawIDs(inputs[index].raw) })
                return ScenarioResult(
                    id: "S4", title: "3 agents × 5 contexts × 7 days × conf ≥ 0.8, limit 100", memoryGraph: mine,
                    baselineName: PostgresBench.rawName, baseline: theirs)
            }

            /// S5: the 2-hop out-neighbourhood (recursive SQL in the backend).
            func neighbors() async throws -> ScenarioResult {
                var random = random(0x55)
                let starts = (0..<bench.operations).map { _ in randomNode(&random).id }
                for start in starts.prefix(checked) {
                    let mine = try await graph.neighbors(of: start, direction: .outgoing, depth: 2, limit: 100_000)
                    let reference = try await lmdb.neighbors(of: start, direction: .outgoing, depth: 2, limit: 100_000)
                    guard Set(mine) == Set(reference) else {
                        throw AnswerMismatch(description: "S5 on PostgreSQL: the neighbourhood of \(start) differs")
                    }
                }
                let (mine, _) = try await sideBySide(
                    starts.count,
                    backend: { index in
                        _ = try await graph.neighbors(of: starts[index], direction: .outgoing, depth: 2, limit: 100_000)
                    },
                    raw: nil)
                return ScenarioResult(id: "S5", title: "2-hop out-neighbourhood", memoryGraph: mine)
            }

            /// S8: 64 producers revise random nodes of 1 000 by compare-and-set, as on LMDB.
            func compareAndSet(updatesPerProducer: Int) async throws -> ScenarioResult {
                let producers = 64
                let ids = try await graph.addNodes(
                    (0..<1_000).map { _ in
                        NodeDraft(agentID: "s8", taskContext: "counters", result: ["type": "counter", "count": 0])
                    })
                let picks = (0..<producers).map { producer in
                    var random = SplitMix64(seed: UInt64(producer) &+ 0x58)
                    return (0..<updatesPerProducer).map { _ in ids[Int.random(in: 0..<ids.count, using: &random)] }
                }
                let conflicts = SharedCounter()
                let graph = graph
                let start = DispatchTime.now().uptimeNanoseconds
                let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                    for producer in 0..<producers {
                        group.addTask {
                            var latencies: [UInt64] = []
                            for id in picks[producer] {
                                let before = DispatchTime.now().uptimeNanoseconds
                                while true {
                                    guard let node = try await graph.node(id) else {
                                        throw AnswerMismatch(description: "S8 on PostgreSQL: a node is missing")
                                    }
                                    let count = node.result["count"]?.intValue ?? 0
                                    do {
                                        try await graph.updateNode(
                                            id, result: ["type": "counter", "count": .int(count + 1)],
                                            expectedVersion: node.version)
                                        break
                                    } catch let error as MemoryGraphError where error.code == .versionConflict {
                                        conflicts.increment()
                                    }
                                }
                                latencies.append(DispatchTime.now().uptimeNanoseconds - before)
                            }
                            return latencies
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let total = try await graph.nodes(ids).reduce(0) { $0 + ($1?.result["count"]?.intValue ?? 0) }
                guard total == producers * updatesPerProducer else {
                    throw AnswerMismatch(
                        description:
                            "S8 on PostgreSQL: \(total) increments stored, \(producers * updatesPerProducer) made")
                }
                var result = ScenarioResult(
                    id: "S8", title: "64 producers, compare-and-set revisions",
                    memoryGraph: Measurement(latencies: latencies, seconds: seconds))
                result.detail = String(
                    format: "S8 conflicts on PostgreSQL: %d (%.0f/s)", conflicts.value,
                    Double(conflicts.value) / seconds)
                return result
            }

            /// Times `count` operations of the backend and of raw SQL, after a warm-up of a tenth of
            /// each; the two take turns in every repetition, in an order that alternates. The median
            /// repetition of each.
            private func sideBySide(
                _ count: Int, backend: (Int) async throws -> Void, raw: ((Int) async throws -> Void)?
            ) async throws -> (Measurement, Measurement?) {
                for index in 0..<max(1, count / 10) {
                    try await backend(index)
                    try await raw?(index)
                }
                var mine: [Measurement] = []
                var theirs: [Measurement] = []
                for repetition in 0..<bench.repetitions {
                    if let raw, repetition % 2 == 1 { theirs.append(try await Measurement.time(count, awaiting: raw)) }
                    mine.append(try await Measurement.time(count, awaiting: backend))
                    if let raw, repetition % 2 == 0 { theirs.append(try await Measurement.time(count, awaiting: raw)) }
                }
                return (Measurement.median(mine), raw == nil ? nil : Measurement.median(theirs))
            }
        }
    }
#endif
