import LMDB
import MemoryGraphCore

/// Receives one problem: its kind, the database where it was found, and the details.
private typealias ProblemSink = (VerificationProblem.Kind, Database, String) -> Void

extension StoreTransaction {
    /// Checks every index, link, bundle, counter and dictionary entry against the records, and
    /// the change log's entries and index, and the expiry index.
    func verify() throws -> VerificationReport {
        var report = VerificationReport(problems: [], nodesChecked: 0, bundlesChecked: 0)
        func problem(_ kind: VerificationProblem.Kind, _ database: Database, _ detail: String) {
            report.problems.append(VerificationProblem(kind: kind, database: database.description, detail: detail))
        }
        // Nodes whose record cannot be decoded: reported once, then skipped by the later passes.
        var damaged = Set<NodeID>()
        let entriesCarryFields = try entriesCarryFields()
        let postingIndexes = [
            schema.byAgent, schema.byContext, schema.byAgentContext, schema.byType, schema.byConfidence,
        ]

        // Every node is in each index it belongs to, and names known interned ids.
        try txn.scan(schema.nodes) { key, value in
            report.nodesChecked += 1
            guard key.count == 16 else {
                problem(.undecodableRecord, schema.nodes, "a key of \(key.count) bytes")
                return true
            }
            let id = NodeID(key, at: 0)
            if try !verifyRecord(of: id, value, entriesCarryFields: entriesCarryFields, problem) {
                damaged.insert(id)
            }
            return true
        }

        // Every index entry names an existing node whose fields match the key.
        for database in postingIndexes {
            try txn.scan(database) { key, value in
                guard let entry = IndexEntry(exactly: value),
                    (entry.fields != nil) == (entriesCarryFields && schema.carriesFilterFields(database))
                else {
                    problem(.orphanIndexEntry, database, "an entry of \(value.count) bytes")
                    return true
                }
                let posting = entry.posting
                if damaged.contains(posting.id) { return true }
                guard let header = try header(of: posting.id) else {
                    problem(.orphanIndexEntry, database, "names node \(posting.id), which does not exist")
                    return true
                }
                let expected = indexEntries(header).filter { $0.database == database }.map(\.key)
                if !expected.contains(Array(key)) || header.timestamp != posting.timestamp {
                    problem(
                        .orphanIndexEntry, database, "node \(posting.id) is filed under a key that does not match it")
                } else if let fields = entry.fields, fields != FilterFields(header) {
                    problem(
                        .orphanIndexEntry, database,
                        "node \(posting.id)'s entry carries fields its record does not have")
                }
                return true
            }
        }
        try txn.scan(schema.byTime) { key, _ in
            guard let posting = Posting(exactly: key) else {
                problem(.orphanIndexEntry, schema.byTime, "a key of \(key.count) bytes")
                return true
            }
            if try !damaged.contains(posting.id) && header(of: posting.id)?.timestamp != posting.timestamp {
                problem(.orphanIndexEntry, schema.byTime, "names node \(posting.id) at a time it does not have")
            }
            return true
        }
        try txn.scan(schema.pendingIndexing) { key, _ in
            if try key.count != 16 || (!damaged.contains(NodeID(key, at: 0)) && header(of: NodeID(key, at: 0)) == nil) {
                problem(.orphanIndexEntry, schema.pendingIndexing, "names a node that does not exist")
            }
            return true
        }

        // Counters agree with the distinct keys of their indexes.
        for (counter, database) in [
            (MetaKey.agentCount, schema.byAgent), (MetaKey.contextCount, schema.byContext),
            (MetaKey.typeCount, schema.byType),
        ] {
            let stored = try self.counter(counter)
            let actual = try distinctKeys(in: database)
            if stored != actual {
                problem(
                    .wrongCounter, schema.meta,
                    "\(String(decoding: counter, as: UTF8.self)) is \(stored), \(database) has \(actual) keys")
            }
        }

        try verifyLinks(problem)
        report.bundlesChecked = try verifyBundles(problem)
        try verifyDictionaries(problem)
        try verifyLog(problem)
        try verifyExpiries(problem)
        try verifyEmbeddings(problem)
        try verifyTextIndex(problem)
        try verifyVectorIndex(problem)
        return report
    }

    /// Checks node `id` alone, in this transaction: its record (as ``verify()`` does for every
    /// node) and each entry of `links.out` and `links.in` that names it.
    ///
    /// - Returns: The problems found, or `nil` when no node has the id.
    func verifyNode(_ id: NodeID) throws -> [VerificationProblem]? {
        var problems: [VerificationProblem] = []
        func problem(_ kind: VerificationProblem.Kind, _ database: Database, _ detail: String) {
            problems.append(VerificationProblem(kind: kind, database: database.description, detail: detail))
        }
        let entriesCarryFields = try entriesCarryFields()
        let exists = try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) { value in
                guard let value else { return false }
                try verifyRecord(of: id, value, entriesCarryFields: entriesCarryFields, problem)
                return true
            }
        }
        guard exists else { return nil }
        for target in try links(from: id) {
            try verifyLink(id, target, in: schema.linksOut, mirror: schema.linksIn, problem)
        }
        for source in try backlinks(to: id) {
            try verifyLink(id, source, in: schema.linksIn, mirror: schema.linksOut, problem)
        }
        return problems
    }

    /// Checks the stored record of node `id`: it decodes, names known interned ids, and is in
    /// each index it belongs to (unless it waits for lazy indexing), with its filter fields when
    /// `entriesCarryFields`.
    ///
    /// - Returns: `false` when the record cannot be decoded (reported as `undecodableRecord`).
    @discardableResult
    private func verifyRecord(
        of id: NodeID, _ value: UnsafeRawBufferPointer, entriesCarryFields: Bool, _ problem: ProblemSink
    ) throws -> Bool {
        let record: NodeRecord
        do {
            record = try NodeRecord(value)
        } catch {
            problem(.undecodableRecord, schema.nodes, "node \(id): \(error)")
            return false
        }
        let header = record.header
        if let carried = record.links, try carried != links(from: id) {
            problem(.oneSidedLink, schema.nodes, "node \(id)'s record carries out-links that differ from links.out")
        }
        for (kind, interned) in [(InternKind.agent, header.agent), (.context, header.context)]
            + (header.type.map { [(.type, $0)] } ?? [])
        where try !txn.contains(Interner.reverseKey(kind, interned), in: schema.reverseDictionary) {
            problem(.dictionaryMismatch, schema.reverseDictionary, "node \(id) uses unknown \(kind) id \(interned)")
        }
        if try id.withUnsafeBytes({ try txn.contains($0, in: schema.pendingIndexing) }) { return true }
        let entry = IndexEntry(id, header)
        let (withFields, bare) = (entry.bytes, entry.posting.bytes)
        for list in indexEntries(header) {
            let expected = entriesCarryFields && schema.carriesFilterFields(list.database) ? withFields : bare
            if try !hasDuplicate(list.key, expected, in: list.database) {
                problem(.missingIndexEntry, list.database, "node \(id) is not under its key")
            }
        }
        if try !txn.contains(bare, in: schema.byTime) {
            problem(.missingIndexEntry, schema.byTime, "node \(id) is missing")
        }
        return true
    }

    private func hasDuplicate(_ key: [UInt8], _ value: [UInt8], in database: Database) throws -> Bool {
        let cursor = try txn.cursor(database)
        defer { cursor.close() }
        return try cursor.seek(to: key, duplicate: value)
    }

    private func distinctKeys(in database: Database) throws -> Int {
        let cursor = try txn.cursor(database)
        defer { cursor.close() }
        var count = 0
        var found = try cursor.first()
        while found {
            count += 1
            found = try cursor.nextKey()
        }
        return count
    }

    private func verifyLinks(_ problem: ProblemSink) throws {
        for (database, mirror) in [(schema.linksOut, schema.linksIn), (schema.linksIn, schema.linksOut)] {
            try txn.scan(database) { key, value in
                guard key.count == 16, value.count == 16 else {
                    problem(.oneSidedLink, database, "an entry of \(key.count)/\(value.count) bytes")
                    return true
                }
                try verifyLink(NodeID(key, at: 0), NodeID(value, at: 0), in: database, mirror: mirror, problem)
                return true
            }
        }
    }

    /// Checks the entry `key → value` of `database` (`links.out` or `links.in`): both nodes exist
    /// and `mirror` holds `value → key`.
    private func verifyLink(
        _ key: NodeID, _ value: NodeID, in database: Database, mirror: Database, _ problem: ProblemSink
    ) throws {
        if try !nodeExists(key) || !nodeExists(value) {
            problem(.oneSidedLink, database, "\(key) → \(value) involves a node that does not exist")
        } else if try !hasDuplicate(value.bytes, key.bytes, in: mirror) {
            problem(.oneSidedLink, database, "\(key) → \(value) has no mirror in \(mirror)")
        }
    }

    /// Checks bundle records against nodes and the bundle indexes; returns the records read.
    private func verifyBundles(_ problem: ProblemSink) throws -> Int {
        var checked = 0
        try txn.scan(schema.bundles) { key, _ in
            checked += 1
            guard key.count == 16 else {
                problem(.undecodableRecord, schema.bundles, "a key of \(key.count) bytes")
                return true
            }
            let id = BundleID(key, at: 0)
            let bundle: MemoryBundle
            do {
                guard let decoded = try self.bundle(id) else { return true }
                bundle = decoded
            } catch {
                problem(.undecodableRecord, schema.bundles, "bundle \(id): \(error)")
                return true
            }
            let posting = Self.bundlePosting(bundle)
            for node in bundle.nodeIDs {
                if try !nodeExists(node) {
                    problem(
                        .danglingBundleMember, schema.bundles, "bundle \(id) names node \(node), which does not exist")
                } else if try !hasDuplicate(Array(node.bytes), Array(id.bytes), in: schema.bundlesByNode) {
                    problem(.danglingBundleMember, schema.bundlesByNode, "node \(node) does not list bundle \(id)")
                }
            }
            for (database, name, kind) in [(schema.bundlesByTask, bundle.taskID, InternKind.task)]
                + bundle.contexts.map({ (schema.bundlesByContext, $0, InternKind.context) })
            {
                let interned = try interner.id(of: name, kind: kind, in: txn)
                if try interned.map({ try !hasDuplicate(IndexKey.id($0), posting, in: database) }) ?? true {
                    problem(.danglingBundleMember, database, "bundle \(id) is not under \"\(name)\"")
                }
            }
            return true
        }
        try txn.scan(schema.bundlesByNode) { key, value in
            let bundle = value.count == 16 ? try self.bundle(BundleID(value, at: 0)) : nil
            if key.count != 16 || !(bundle?.nodeIDs.contains(NodeID(key, at: 0)) ?? false) {
                problem(
                    .danglingBundleMember, schema.bundlesByNode, "an entry names a bundle that does not hold the node")
            }
            return true
        }
        for database in [schema.bundlesByTask, schema.bundlesByContext] {
            try txn.scan(database) { _, value in
                if try value.count != 24 || self.bundle(BundleID(value, at: 8)) == nil {
                    problem(.danglingBundleMember, database, "an entry names a bundle that does not exist")
                }
                return true
            }
        }
        return checked
    }

    private func verifyDictionaries(_ problem: ProblemSink) throws {
        try txn.scan(schema.dictionary) { key, value in
            guard key.count >= 1, value.count == 4, let kind = InternKind(rawValue: key[0]) else {
                problem(.dictionaryMismatch, schema.dictionary, "a malformed entry")
                return true
            }
            let name = String(decoding: key.dropFirst(), as: UTF8.self)
            let reverse = try txn.get(
                Interner.reverseKey(kind, value.bigEndianUInt32(at: 0)), in: schema.reverseDictionary)
            if reverse.map({ String(decoding: $0, as: UTF8.self) }) != name {
                problem(
                    .dictionaryMismatch, schema.reverseDictionary, "\(kind) \"\(name)\" has no matching reverse entry")
            }
            return true
        }
        try txn.scan(schema.reverseDictionary) { key, value in
            guard key.count == 5, let kind = InternKind(rawValue: key[0]) else {
                problem(.dictionaryMismatch, schema.reverseDictionary, "a malformed entry")
                return true
            }
            let forward = try txn.get(
                Interner.dictionaryKey(kind, String(decoding: value, as: UTF8.self)), in: schema.dictionary)
            if forward != Array(key.dropFirst()) {
                problem(
                    .dictionaryMismatch, schema.dictionary,
                    "\(kind) id \(key.bigEndianUInt32(at: 1)) has no matching entry")
            }
            return true
        }
    }
}
