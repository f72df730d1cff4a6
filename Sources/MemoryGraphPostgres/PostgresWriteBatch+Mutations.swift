import Foundation
import MemoryGraphCore
import NIOCore
import OrderedCollections
import PostgresNIO

/// Each kind of mutation in SQL: its checks first (the same as the reference store's, with the
/// same errors), then its statements, then its change log entries.
extension PostgresWriteBatch {
    /// Applies one mutation inside the batch's transaction.
    ///
    /// - Throws: The mutation's ``MemoryGraphError``; a PostgreSQL error.
    mutating func perform(_ mutation: GraphMutation) async throws -> MutationOutcome {
        switch mutation {
        case .addNodes(let drafts):
            return try await add(drafts)
        case .updateNode(let id, let update, let expectedVersion, let updatedAt):
            return try await self.update(id, update, expectedVersion: expectedVersion, at: updatedAt)
        case .removeNode(let id):
            return .changed(try await remove([id], logging: .nodeRemoved) > 0)
        case .forgetNodes(var query, let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a forget batch's limit must be positive") }
            query.limit = limit
            let ids = try await PostgresQueryPlan(query, schema: schema, now: now).ids(
                on: connection, logger: store.logger)
            return .removed(try await remove(ids, logging: .nodeRemoved))
        case .sweepExpired(let limit):
            guard limit > 0 else { throw MemoryGraphError(.invalidArgument, "a sweep's limit must be positive") }
            return .removed(try await sweep(limit: limit))
        case .link(let source, let target):
            return try await link(source, target)
        case .unlink(let source, let target):
            return try await unlink(source, target)
        case .createBundle(let bundle):
            return try await create(bundle)
        case .addToBundle(let id, let nodeIDs):
            try ensureBundling()
            return try await add(nodeIDs, to: id)
        case .removeBundle(let id):
            try ensureBundling()
            let removed = try await connection.query(
                "DELETE FROM \(unescaped: schema.bundles) WHERE id = \(id.uuid) RETURNING 1", logger: store.logger
            ).collect().count
            if removed > 0 { logBundle(.bundleRemoved, id) }
            return .changed(removed > 0)
        case .setCreationTime(let date):
            guard let time = Microseconds(date) else {
                throw MemoryGraphError(
                    .invalidArgument,
                    "creation time \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
            }
            try await connection.query(
                "UPDATE \(unescaped: schema.meta) SET value = \(String(time.value)) WHERE key = 'created_at'",
                logger: store.logger)
            return .done
        }
    }

    // MARK: Nodes

    /// Checks every draft, then that each id is new — or stored with the draft's content, which
    /// is then not added again — and each link target exists; inserts the new ones.
    private mutating func add(_ drafts: [NodeDraft]) async throws -> MutationOutcome {
        var checked: [NodeDraft] = []
        for (index, draft) in drafts.enumerated() {
            do {
                checked.append(
                    try Validation.check(
                        draft, maximumPayloadSize: configuration.maximumPayloadSize, now: configuration.currentTime()))
            } catch var error as MemoryGraphError {
                if drafts.count > 1 { error.message = "draft \(index): \(error.message)" }
                throw error
            }
        }
        let ids = checked.compactMap(\.id)
        let stored = Dictionary(
            try await nodes(ids, lockingThem: false).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let storedEmbeddings = try await embeddings(Array(stored.keys))
        var earlier = Set<NodeID>()
        var new: [NodeDraft] = []
        var targets = Set<NodeID>()
        for draft in checked {
            guard let id = draft.id else { preconditionFailure("a checked draft has no id") }
            if earlier.contains(id) {
                throw MemoryGraphError(.duplicateID, "node id \(id) is given twice in one call")
            }
            earlier.insert(id)
            if let node = stored[id] {
                guard draft.matches(node, embedding: storedEmbeddings[id]) else {
                    throw MemoryGraphError.duplicateNode(id)
                }
                continue
            }
            new.append(draft)
            targets.formUnion(draft.links)
        }
        let present = try await existing(Array(targets.subtracting(ids)))
        var added = Set<NodeID>()
        for draft in new {
            guard let id = draft.id else { continue }
            for target in draft.links
            where !added.contains(target) && stored[target] == nil && !present.contains(target) {
                throw MemoryGraphError(
                    .nodeNotFound, "node \(id) links to \(target), which does not exist; add it first")
            }
            added.insert(id)
        }
        try await PostgresEmbeddings.check(
            new.compactMap(\.embedding), in: schema, on: connection, logger: store.logger)
        try await insert(new)
        return .added(ids)
    }

    /// Inserts checked drafts and their links, and notes each as added.
    private mutating func insert(_ drafts: [NodeDraft]) async throws {
        for chunk in stride(from: 0, to: drafts.count, by: 500) {
            let slice = drafts[chunk..<min(chunk + 500, drafts.count)]
            var statement = SQLStatement(
                """
                INSERT INTO \(schema.nodes) (id, agent_id, task_context, type, confidence, "timestamp", version,
                updated_at, expires_at, result, metadata, embedding) VALUES
                """)
            var links: [(NodeID, NodeID)] = []
            for (index, draft) in slice.enumerated() {
                guard let id = draft.id, let timestamp = draft.timestamp else {
                    preconditionFailure("a checked draft has no id or timestamp")
                }
                let time = Microseconds(nearest: timestamp)
                let values = [
                    statement.bind(id.uuid), statement.bind(draft.agentID), statement.bind(draft.taskContext),
                    statement.bind((try? Validation.type(of: draft.result)) ?? nil),
                    statement.bind((try? Validation.confidence(of: draft.result)) ?? nil),
                    statement.bind(PostgresTime(time)), statement.bind(draft.revision?.version ?? 1),
                    statement.bind(PostgresTime(draft.revision.map { Microseconds(nearest: $0.updatedAt) } ?? time)),
                    statement.bind(draft.expiresAt.map { PostgresTime(Microseconds(nearest: $0)) }),
                    statement.bind(try draft.result.jsonString()) + "::jsonb",
                    statement.bind(try JSONValue.object(draft.metadata).jsonString()) + "::jsonb",
                    statement.bind(PostgresEmbeddings.column(draft.embedding)),
                ]
                statement.append((index == 0 ? "(" : ", (") + values.joined(separator: ", ") + ")")
                links += draft.links.map { (id, $0) }
                log(
                    .nodeAdded,
                    MemoryNode(
                        id: id, agentID: draft.agentID, taskContext: draft.taskContext, result: [:],
                        timestamp: timestamp,
                        version: draft.revision?.version ?? 1))
            }
            try await connection.query(statement.query, logger: store.logger)
            try await insertLinks(links)
            if let paths = try await indexPaths() {
                let contents = slice.compactMap { draft in
                    draft.id.map { ($0, draft.searchTerms(metadataPaths: paths)) }
                }
                try await PostgresTextIndex.insert(contents, in: schema, on: connection, logger: store.logger)
            }
        }
    }

    /// The metadata paths of the full-text index, read once a transaction; `nil` when it was
    /// not built.
    private mutating func indexPaths() async throws -> [String]? {
        if let known = textPaths { return known }
        let paths = try await PostgresTextIndex.paths(in: schema, on: connection, logger: store.logger)
        textPaths = .some(paths)
        return paths
    }

    /// Inserts links that do not exist yet; returns how many were new.
    @discardableResult
    private func insertLinks(_ links: [(NodeID, NodeID)]) async throws -> Int {
        var inserted = 0
        for chunk in stride(from: 0, to: links.count, by: 2_000) {
            var statement = SQLStatement("INSERT INTO \(schema.links) (source, target) VALUES ")
            for (index, link) in links[chunk..<min(chunk + 2_000, links.count)].enumerated() {
                statement.append(
                    (index == 0 ? "(" : ", (") + statement.bind(link.0.uuid) + ", " + statement.bind(link.1.uuid) + ")")
            }
            statement.append(" ON CONFLICT DO NOTHING RETURNING 1")
            inserted += try await connection.query(statement.query, logger: store.logger).collect().count
        }
        return inserted
    }

    /// Checks an update against the stored node, locked, and stores the next version.
    private mutating func update(
        _ id: NodeID, _ update: NodeUpdate, expectedVersion: Int?, at updatedAt: Date
    ) async throws -> MutationOutcome {
        do {
            try Validation.check(update, expectedVersion: expectedVersion, now: configuration.currentTime())
            if let result = update.result {
                _ = try Validation.type(of: result)
                _ = try Validation.confidence(of: result)
            }
        } catch {
            throw MemoryGraphError.from(error)
        }
        guard let time = Microseconds(updatedAt) else { throw MemoryGraphError.updateTimeOutOfRange(updatedAt) }
        guard var stored = try await nodes([id], lockingThem: true).first else {
            throw MemoryGraphError.missingNode(id)
        }
        stored.links = []
        if let expectedVersion, expectedVersion != stored.version {
            throw MemoryGraphError.versionConflict(id, expected: expectedVersion, current: stored.version)
        }
        let result = update.result ?? stored.result
        let metadata = update.metadata ?? stored.metadata
        do {
            try Validation.payloadSize(
                BinaryJSON.encodedSize(result) + BinaryJSON.encodedSize(.object(metadata)),
                limit: configuration.maximumPayloadSize)
        } catch {
            throw MemoryGraphError.from(error)
        }
        let version: Int
        do {
            version = try Validation.nextVersion(after: stored.version, of: id)
        } catch {
            throw MemoryGraphError.from(error)
        }
        if case .set(let vector) = update.embedding {
            try await PostgresEmbeddings.check([vector], in: schema, on: connection, logger: store.logger)
        }
        let updated = stored.updated(update, revision: NodeRevision(version: version, updatedAt: time.date))
        let keepsEmbedding = update.embedding == nil
        let newEmbedding = PostgresEmbeddings.column(update.embedding?.vector)
        let changed = try await connection.query(
            """
            UPDATE \(unescaped: schema.nodes) SET result = \(try result.jsonString())::jsonb,
            metadata = \(try JSONValue.object(metadata).jsonString())::jsonb,
            type = \((try? Validation.type(of: result)) ?? nil), confidence = \((try? Validation.confidence(of: result)) ?? nil),
            version = \(version), updated_at = \(PostgresTime(time)),
            expires_at = \(updated.expiresAt.map { PostgresTime(Microseconds(nearest: $0)) }),
            embedding = CASE WHEN \(keepsEmbedding) THEN embedding ELSE \(newEmbedding) END
            WHERE id = \(id.uuid) AND version = \(stored.version) RETURNING 1
            """, logger: store.logger
        ).collect().count
        guard changed == 1 else {
            throw MemoryGraphError.versionConflict(id, expected: stored.version, current: stored.version)
        }
        if update.result != nil || update.metadata != nil, let paths = try await indexPaths() {
            try await PostgresTextIndex.remove([id], in: schema, on: connection, logger: store.logger)
            let terms = SearchableText.terms(result: result, metadata: metadata, metadataPaths: paths)
            try await PostgresTextIndex.insert([(id, terms)], in: schema, on: connection, logger: store.logger)
        }
        log(.nodeUpdated, updated, previous: stored)
        return .updated(updated.revision)
    }

    /// Removes the nodes `ids` with their links and bundle places, each noted as a change of
    /// `kind` in the order of `ids`; returns how many existed.
    private mutating func remove(_ ids: [NodeID], logging kind: GraphChange.Kind) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        var statement = SQLStatement()
        let list = statement.bind(ids.map(\.uuid))
        statement.append(
            "DELETE FROM \(schema.nodes) n WHERE n.id = ANY(\(list)) RETURNING \(NodeRow.columnsWithoutLinks)")
        let removed = Dictionary(
            try await connection.query(statement.query, logger: store.logger).nodes().map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first })
        for id in ids { if let node = removed[id] { log(kind, node, previous: node) } }
        return removed.count
    }

    /// Removes up to `limit` of the nodes expired now, soonest first (ties by id), each noted as
    /// ``GraphChange/Kind/nodeExpired``; returns how many.
    mutating func sweep(limit: Int) async throws -> Int {
        var statement = SQLStatement()
        let moment = statement.bind(PostgresTime(now))
        let count = statement.bind(limit)
        statement.append(
            """
            DELETE FROM \(schema.nodes) n WHERE n.id IN (SELECT id FROM \(schema.nodes) WHERE expires_at <= \(moment)
            ORDER BY expires_at, id LIMIT \(count)) RETURNING \(NodeRow.columnsWithoutLinks)
            """)
        let removed = try await connection.query(statement.query, logger: store.logger).nodes()
        let ordered = removed.sorted { first, second in
            let (a, b) = (
                Microseconds(nearest: first.expiresAt ?? .distantPast),
                Microseconds(nearest: second.expiresAt ?? .distantPast)
            )
            return a != b ? a < b : first.id < second.id
        }
        for node in ordered { log(.nodeExpired, node, previous: node) }
        return ordered.count
    }

    // MARK: Links

    private mutating func link(_ source: NodeID, _ target: NodeID) async throws -> MutationOutcome {
        guard source != target else { throw MemoryGraphError(.invalidArgument, "node \(source) cannot link to itself") }
        let owners = try await owners([source, target])
        for id in [source, target] where owners[id] == nil {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
        }
        guard try await insertLinks([(source, target)]) == 1 else { return .changed(false) }
        logLink(.linked, from: source, to: target, owner: owners[source])
        return .changed(true)
    }

    private mutating func unlink(_ source: NodeID, _ target: NodeID) async throws -> MutationOutcome {
        let removed = try await connection.query(
            "DELETE FROM \(unescaped: schema.links) WHERE source = \(source.uuid) AND target = \(target.uuid) RETURNING 1",
            logger: store.logger
        ).collect().count
        guard removed > 0 else { return .changed(false) }
        logLink(.unlinked, from: source, to: target, owner: try await owners([source])[source])
        return .changed(true)
    }

    // MARK: Bundles

    private mutating func create(_ bundle: MemoryBundle) async throws -> MutationOutcome {
        try ensureBundling()
        let found = try await connection.query(
            "SELECT 1 FROM \(unescaped: schema.bundles) WHERE id = \(bundle.id.uuid)", logger: store.logger
        ).collect().count
        guard found == 0 else { throw MemoryGraphError(.duplicateID, "a bundle with id \(bundle.id) already exists") }
        try await checkMembers(bundle.nodeIDs)
        // Kept to the microsecond; a time outside the stored range reads back as the epoch.
        let createdAt = Microseconds(bundle.createdAt) ?? Microseconds(0)
        try await connection.query(
            """
            INSERT INTO \(unescaped: schema.bundles) (id, task_id, agent_ids, contexts, created_at, metadata)
            VALUES (\(bundle.id.uuid), \(bundle.taskID), \(bundle.agentIDs), \(bundle.contexts), \(PostgresTime(createdAt)),
            \(try JSONValue.object(bundle.metadata).jsonString())::jsonb)
            """, logger: store.logger)
        try await insertMembers(bundle.nodeIDs, of: bundle.id, from: 0)
        logBundle(.bundleCreated, bundle.id)
        return .bundleCreated(bundle.id)
    }

    private mutating func add(_ nodeIDs: [NodeID], to id: BundleID) async throws -> MutationOutcome {
        let found = try await connection.query(
            "SELECT 1 FROM \(unescaped: schema.bundles) WHERE id = \(id.uuid) FOR UPDATE", logger: store.logger
        ).collect().count
        guard found > 0 else { throw MemoryGraphError(.bundleNotFound, "bundle \(id) does not exist") }
        var members: [NodeID] = []
        var next = 0
        for try await (node, position) in try await connection.query(
            "SELECT node_id, position FROM \(unescaped: schema.members) WHERE bundle_id = \(id.uuid) ORDER BY position",
            logger: store.logger
        ).decode((UUID, Int).self) {
            members.append(NodeID(node))
            next = position + 1
        }
        let present = Set(members)
        let added = OrderedSet(nodeIDs).filter { !present.contains($0) }
        try await checkMembers(members + added)
        try await insertMembers(Array(added), of: id, from: next)
        if !added.isEmpty { logBundle(.bundleChanged, id) }
        return .done
    }

    private func insertMembers(_ nodeIDs: [NodeID], of bundle: BundleID, from position: Int) async throws {
        guard !nodeIDs.isEmpty else { return }
        var statement = SQLStatement()
        let ids = statement.bind(nodeIDs.map(\.uuid))
        let bundleID = statement.bind(bundle.uuid)
        let start = statement.bind(position)
        statement.append(
            """
            INSERT INTO \(schema.members) (bundle_id, position, node_id)
            SELECT \(bundleID), \(start) + ordinality::integer - 1, node FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS m(node, ordinality)
            """)
        try await connection.query(statement.query, logger: store.logger)
    }

    /// Checks that a bundle of `nodeIDs` stays within the limit and names only stored nodes.
    private func checkMembers(_ nodeIDs: [NodeID]) async throws {
        let maximum = configuration.maxNodesPerBundle
        guard nodeIDs.count <= maximum else {
            throw MemoryGraphError(
                .bundleTooLarge,
                "a bundle may hold at most \(maximum) nodes (Configuration.maxNodesPerBundle); "
                    + "this one would hold \(nodeIDs.count)")
        }
        let present = try await existing(nodeIDs)
        for id in nodeIDs where !present.contains(id) {
            throw MemoryGraphError(.nodeNotFound, "node \(id) does not exist; a bundle can only name stored nodes")
        }
    }

    private func ensureBundling() throws(MemoryGraphError) {
        guard configuration.enableBundling else {
            throw MemoryGraphError(
                .bundlingDisabled, "bundles are disabled; set Configuration.enableBundling to use them")
        }
    }

    // MARK: Reading inside the transaction

    /// The stored nodes among `ids` (expired ones too), with their links; locked for the rest of
    /// the transaction when `lockingThem`.
    private func nodes(_ ids: [NodeID], lockingThem: Bool) async throws -> [MemoryNode] {
        guard !ids.isEmpty else { return [] }
        var statement = SQLStatement()
        let list = statement.bind(ids.map(\.uuid))
        let moment = statement.bind(PostgresTime(Microseconds.storable.lowerBound))
        statement.append(
            "SELECT \(NodeRow.columns(schema, live: moment)) FROM \(schema.nodes) n WHERE n.id = ANY(\(list))"
                + (lockingThem ? " FOR UPDATE OF n" : ""))
        return try await connection.query(statement.query, logger: store.logger).nodes()
    }

    /// The embeddings of the stored nodes among `ids` that have one.
    private func embeddings(_ ids: [NodeID]) async throws -> [NodeID: [Float]] {
        guard !ids.isEmpty else { return [:] }
        var embeddings: [NodeID: [Float]] = [:]
        for try await (id, column) in try await connection.query(
            """
            SELECT id, embedding FROM \(unescaped: schema.nodes)
            WHERE id = ANY(\(ids.map(\.uuid))) AND embedding IS NOT NULL
            """, logger: store.logger
        ).decode((UUID, ByteBuffer).self) {
            embeddings[NodeID(id)] = try PostgresEmbeddings.vector(column, of: id)
        }
        return embeddings
    }

    /// Which of `ids` are stored.
    private func existing(_ ids: [NodeID]) async throws -> Set<NodeID> {
        guard !ids.isEmpty else { return [] }
        var found = Set<NodeID>()
        for try await id in try await connection.query(
            "SELECT id FROM \(unescaped: schema.nodes) WHERE id = ANY(\(ids.map(\.uuid)))", logger: store.logger
        ).decode(UUID.self) {
            found.insert(NodeID(id))
        }
        return found
    }

    /// The agent and context of each stored node among `ids`.
    private func owners(_ ids: [NodeID]) async throws -> [NodeID: (String, String)] {
        var owners: [NodeID: (String, String)] = [:]
        for try await (id, agent, context) in try await connection.query(
            "SELECT id, agent_id, task_context FROM \(unescaped: schema.nodes) WHERE id = ANY(\(ids.map(\.uuid)))",
            logger: store.logger
        ).decode((UUID, String, String).self) {
            owners[NodeID(id)] = (agent, context)
        }
        return owners
    }
}
