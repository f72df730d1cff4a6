import LMDB
import MemoryGraphCore

/// The full-text index: every node with terms has a document number, given in the order nodes
/// are indexed (`text.documents`: node id → number and length; `text.numbers`: number → node id
/// and length); for every term, the documents that hold it and how often (`text.terms`, in
/// number order, so a new node's postings land at the end of each term's list and a batch
/// dirties a few pages per term instead of one per posting); the sum of the lengths (`text.length`
/// in `meta`) and the metadata paths the terms were taken with (`text.paths`). Changed in the
/// transaction of every write that adds, changes or removes a node, so a search sees the index
/// of one commit.
extension StoreTransaction {
    /// A node's place in the full-text index.
    struct TextDocument: Equatable {
        /// Its document number, the key of its postings.
        var number: UInt64
        /// How many terms it has.
        var length: Int
    }

    /// A posting's bytes: the document number (8, BE), then how often the term occurs in it (4, BE).
    static func textPosting(_ number: UInt64, occurrences: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        bytes.appendBigEndian(number)
        bytes.appendBigEndian(UInt32(clamping: occurrences))
        return bytes
    }

    /// A document number's key in `text.numbers` (8, BE).
    static func textNumberKey(_ number: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(number)
        return bytes
    }

    /// The metadata paths the index was built with, `nil` when it was not built (or the store is
    /// an older one opened read-only, whose index has another format).
    func textIndexPaths() throws -> [String]? {
        guard schema.textTerms != nil, schema.textNumbers != nil else { return nil }
        return try txn.withValue(forKey: MetaKey.textPaths, in: schema.meta) { bytes in
            bytes.map { bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                return text.isEmpty
                    ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }
    }

    /// The sum of the lengths of the index's documents.
    func textLength() throws -> Int {
        try txn.withValue(forKey: MetaKey.textLength, in: schema.meta) { bytes in
            bytes.map { $0.count == 8 ? Int(truncatingIfNeeded: $0.bigEndianUInt64(at: 0)) : 0 } ?? 0
        }
    }

    private func setTextLength(_ length: Int) throws {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(UInt64(max(0, length)))
        try txn.put(bytes, forKey: MetaKey.textLength, in: schema.meta)
    }

    /// Node `id`'s document, `nil` when it has no terms in the index.
    func textDocument(of id: NodeID) throws -> TextDocument? {
        guard let documents = schema.textDocuments else { return nil }
        return try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: documents) { bytes in
                bytes.flatMap { bytes in
                    bytes.count == 12
                        ? TextDocument(number: bytes.bigEndianUInt64(at: 0), length: Int(bytes.bigEndianUInt32(at: 8)))
                        : nil
                }
            }
        }
    }

    /// The node whose document is `number`, and that document's length; `nil` when none is.
    func textDocument(numbered number: UInt64) throws -> (id: NodeID, length: Int)? {
        guard let numbers = schema.textNumbers else { return nil }
        return try txn.withValue(forKey: Self.textNumberKey(number), in: numbers) { bytes in
            bytes.flatMap { $0.count == 20 ? (NodeID($0, at: 0), Int($0.bigEndianUInt32(at: 16))) : nil }
        }
    }

    /// Files node `id` under each of `terms` (nothing for none).
    func indexText(_ id: NodeID, terms: [String]) throws {
        try indexText([(id, terms)])
    }

    /// Gives each node with terms the next document number and files it under each of its
    /// terms: the batch's postings grouped by term, each term's in number order (appended to the
    /// end of its list, see ``ListTail``), the terms in byte order, and the total length written
    /// once.
    func indexText(_ documents: [(id: NodeID, terms: [String])]) throws {
        guard let textTerms = schema.textTerms, let lengths = schema.textDocuments, let numbers = schema.textNumbers
        else { return }
        var next = try nextTextDocumentNumber()
        var postings: [String: [UInt8]] = [:]
        var added = 0
        for (id, terms) in documents where !terms.isEmpty {
            let number = next
            next += 1
            for (term, occurrences) in Self.occurrences(terms) {
                postings[term, default: []].append(contentsOf: Self.textPosting(number, occurrences: occurrences))
            }
            var document = Self.textNumberKey(number)
            document.appendBigEndian(UInt32(clamping: terms.count))
            try id.withUnsafeBytes { key in _ = try txn.put(document, forKey: key, in: lengths) }
            var node = Array(id.bytes)
            node.appendBigEndian(UInt32(clamping: terms.count))
            _ = try txn.put(node, forKey: Self.textNumberKey(number), in: numbers, flags: .append)
            added += terms.count
        }
        guard added > 0 else { return }
        let terms = postings.map { (key: Array($0.key.utf8), postings: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var tail = try ListTail(of: textTerms, in: txn)
        defer { tail.close() }
        for (term, list) in terms {
            for start in stride(from: 0, to: list.count, by: 12) {
                try tail.put(Array(list[start..<start + 12]), under: term)
            }
        }
        try setTextLength(try textLength() + added)
    }

    /// The number the next document gets: one past the highest in use (1 for the first).
    private func nextTextDocumentNumber() throws -> UInt64 {
        guard let numbers = schema.textNumbers else { return 1 }
        let cursor = try txn.cursor(numbers)
        defer { cursor.close() }
        guard try cursor.last() else { return 1 }
        return cursor.withCurrent { key, _ in key.count == 8 ? key.bigEndianUInt64(at: 0) + 1 : 1 }
    }

    /// Takes node `id`'s document of `terms` out of the index.
    func unindexText(_ id: NodeID, terms: [String]) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            let numbers = schema.textNumbers, let document = try textDocument(of: id)
        else { return }
        for (term, occurrences) in Self.occurrences(terms) {
            _ = try txn.delete(
                Array(term.utf8), value: Self.textPosting(document.number, occurrences: occurrences), in: textTerms)
        }
        try id.withUnsafeBytes { key in _ = try txn.delete(key, in: documents) }
        _ = try txn.delete(Self.textNumberKey(document.number), in: numbers)
        try setTextLength(try textLength() - document.length)
    }

    /// Each distinct term of `terms` with how often it occurs, in byte order.
    static func occurrences(_ terms: [String]) -> [(term: String, occurrences: Int)] {
        var runs: [(term: String, occurrences: Int)] = []
        for term in terms.sorted() {
            if let last = runs.last, last.term == term {
                runs[runs.count - 1].occurrences += 1
            } else {
                runs.append((term, 1))
            }
        }
        return runs
    }

    /// The terms of the stored content `result` and `metadata` (binary JSON), with the index's
    /// metadata paths.
    func textTerms(result: [UInt8], metadata: [UInt8], paths: [String]) throws -> [String] {
        let payload = try (result + metadata).withUnsafeBytes { bytes in
            try NodePayload(checking: bytes, resultLength: result.count)
        }
        let values = payload.decode()
        return SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
    }

    /// The terms of node `id`, whose stored record is `bytes`; `nil` when it has no document in
    /// the index.
    func indexedTerms(of id: NodeID, record bytes: [UInt8], paths: [String]) throws -> [String]? {
        guard try textDocument(of: id) != nil else { return nil }
        let record = try bytes.withUnsafeBytes { try NodeRecord($0) }
        let values = record.payload.decode()
        return SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
    }

    /// Empties the index and forgets its paths, so that the next writable open builds it.
    func dropTextIndex() throws {
        for database in [schema.textTerms, schema.textDocuments, schema.textNumbers].compactMap({ $0 }) {
            try txn.removeAll(in: database)
        }
        _ = try txn.delete(MetaKey.textPaths, in: schema.meta)
        _ = try txn.delete(MetaKey.textLength, in: schema.meta)
    }

    /// Rebuilds the whole index from the node records, with `paths`.
    func rebuildTextIndex(paths: [String]) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments, let numbers = schema.textNumbers
        else { return }
        try txn.removeAll(in: textTerms)
        try txn.removeAll(in: documents)
        try txn.removeAll(in: numbers)
        try setTextLength(0)
        try txn.put(Array(paths.joined(separator: "\n").utf8), forKey: MetaKey.textPaths, in: schema.meta)
        var contents: [(NodeID, [String])] = []
        try txn.scan(schema.nodes) { key, value in
            guard key.count == 16, let record = try? NodeRecord(value) else { return true }
            let values = record.payload.decode()
            contents.append(
                (
                    NodeID(key, at: 0),
                    SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
                ))
            return true
        }
        for start in stride(from: 0, to: contents.count, by: 10_000) {
            try indexText(Array(contents[start..<min(start + 10_000, contents.count)]).map { (id: $0.0, terms: $0.1) })
        }
    }

    /// Checks that the index holds exactly the terms of every node record, with the paths it
    /// names: one document number per node with terms, the same in both directions, and every
    /// posting under that number.
    func verifyTextIndex(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            let numbers = schema.textNumbers, let paths = try textIndexPaths()
        else { return }
        var contents: [NodeID: [String: Int]] = [:]
        var lengths: [NodeID: Int] = [:]
        try txn.scan(schema.nodes) { key, value in
            guard key.count == 16, let record = try? NodeRecord(value) else { return true }
            let id = NodeID(key, at: 0)
            let values = record.payload.decode()
            let terms = SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
            guard !terms.isEmpty else { return true }
            lengths[id] = terms.count
            contents[id] = Dictionary(uniqueKeysWithValues: Self.occurrences(terms).map { ($0.term, $0.occurrences) })
            return true
        }
        var numbered: [NodeID: TextDocument] = [:]
        var total = 0
        try txn.scan(documents) { key, value in
            let id = key.count == 16 ? NodeID(key, at: 0) : nil
            let document =
                value.count == 12
                ? TextDocument(number: value.bigEndianUInt64(at: 0), length: Int(value.bigEndianUInt32(at: 8))) : nil
            total += document?.length ?? 0
            if let id, let document, lengths.removeValue(forKey: id) == document.length {
                numbered[id] = document
                return true
            }
            problem(
                .orphanIndexEntry, documents,
                "\(id.map { "node \($0)" } ?? "a key") has a wrong document \(document.map { "\($0)" } ?? "entry")")
            return true
        }
        for id in lengths.keys { problem(.missingIndexEntry, documents, "node \(id) has terms but no document") }
        var owners: [UInt64: NodeID] = [:]
        try txn.scan(numbers) { key, value in
            let number = key.count == 8 ? key.bigEndianUInt64(at: 0) : nil
            let id = value.count == 20 ? NodeID(value, at: 0) : nil
            let length = value.count == 20 ? Int(value.bigEndianUInt32(at: 16)) : -1
            if let number, let id, numbered[id] == TextDocument(number: number, length: length) {
                owners[number] = id
                return true
            }
            problem(
                .orphanIndexEntry, numbers,
                "document \(number.map(String.init) ?? "with a bad key") names \(id.map { "node \($0)" } ?? "no node"), "
                    + "whose document it is not")
            return true
        }
        for (id, document) in numbered where owners[document.number] != id {
            problem(.missingIndexEntry, numbers, "node \(id)'s document \(document.number) is not numbered")
        }
        var expected: [[UInt8]: Set<[UInt8]>] = [:]
        for (id, document) in numbered {
            for (term, occurrences) in contents[id] ?? [:] {
                expected[Array(term.utf8), default: []].insert(
                    Self.textPosting(document.number, occurrences: occurrences))
            }
        }
        try txn.scan(textTerms) { key, value in
            let term = Array(key)
            if expected[term]?.remove(Array(value)) == nil {
                let node =
                    value.count == 12
                    ? owners[value.bigEndianUInt64(at: 0)].map { "node \($0)" }
                        ?? "document \(value.bigEndianUInt64(at: 0)), which no node has,"
                    : "a posting of \(value.count) bytes"
                problem(
                    .orphanIndexEntry, textTerms,
                    "\(node) is filed under \"\(String(decoding: term, as: UTF8.self))\", which its content does not hold so"
                )
            }
            return true
        }
        for (term, postings) in expected where !postings.isEmpty {
            for posting in postings {
                let id = owners[posting.withUnsafeBytes { $0.bigEndianUInt64(at: 0) }].map { "node \($0)" } ?? "a node"
                problem(
                    .missingIndexEntry, textTerms,
                    "\(id) holds \"\(String(decoding: term, as: UTF8.self))\" but is not filed under it")
            }
        }
        let stored = try textLength()
        if stored != total {
            problem(.wrongCounter, schema.meta, "text.length is \(stored), the documents' lengths sum to \(total)")
        }
    }
}
