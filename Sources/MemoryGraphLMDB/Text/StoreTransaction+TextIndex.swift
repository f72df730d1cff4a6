import LMDB
import MemoryGraphCore

/// The full-text index: for every term, the nodes whose content holds it and how often
/// (`text.terms`); for every node with terms, how many it has (`text.documents`); the sum of
/// those lengths (`text.length` in `meta`) and the metadata paths the terms were taken with
/// (`text.paths`). Changed in the transaction of every write that adds, changes or removes a
/// node, so a search sees the index of one commit.
extension StoreTransaction {
    /// A posting's bytes: the node id, then how often the term occurs in it (4, BE).
    static func textPosting(_ id: NodeID, occurrences: Int) -> [UInt8] {
        var bytes = Array(id.bytes)
        bytes.appendBigEndian(UInt32(clamping: occurrences))
        return bytes
    }

    /// The metadata paths the index was built with, `nil` when it was not built.
    func textIndexPaths() throws -> [String]? {
        guard schema.textTerms != nil else { return nil }
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

    /// How many terms node `id`'s document has, `nil` when it has none.
    func textDocumentLength(of id: NodeID) throws -> Int? {
        guard let documents = schema.textDocuments else { return nil }
        return try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: documents) { bytes in
                bytes.map { $0.count == 4 ? Int($0.bigEndianUInt32(at: 0)) : 0 }
            }
        }
    }

    /// Files node `id` under each of `terms` (nothing for none).
    func indexText(_ id: NodeID, terms: [String]) throws {
        try indexText([(id, terms)])
    }

    /// Files each node under each of its terms: every posting of the batch in term order, so that
    /// consecutive puts land on the same pages, and the total length written once.
    func indexText(_ documents: [(id: NodeID, terms: [String])]) throws {
        guard let textTerms = schema.textTerms, let lengths = schema.textDocuments else { return }
        var postings: [(term: [UInt8], posting: [UInt8])] = []
        var added = 0
        for (id, terms) in documents where !terms.isEmpty {
            for (term, occurrences) in Self.occurrences(terms) {
                postings.append((Array(term.utf8), Self.textPosting(id, occurrences: occurrences)))
            }
            var length: [UInt8] = []
            length.appendBigEndian(UInt32(clamping: terms.count))
            try id.withUnsafeBytes { key in _ = try txn.put(length, forKey: key, in: lengths) }
            added += terms.count
        }
        guard added > 0 else { return }
        postings.sort {
            $0.term != $1.term
                ? $0.term.lexicographicallyPrecedes($1.term) : $0.posting.lexicographicallyPrecedes($1.posting)
        }
        for (term, posting) in postings {
            _ = try txn.put(posting, forKey: term, in: textTerms, flags: .noDuplicateData)
        }
        try setTextLength(try textLength() + added)
    }

    /// Takes node `id`'s document of `terms` out of the index.
    func unindexText(_ id: NodeID, terms: [String]) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            let length = try textDocumentLength(of: id)
        else { return }
        for (term, occurrences) in Self.occurrences(terms) {
            _ = try txn.delete(
                Array(term.utf8), value: Self.textPosting(id, occurrences: occurrences), in: textTerms)
        }
        try id.withUnsafeBytes { key in _ = try txn.delete(key, in: documents) }
        try setTextLength(try textLength() - length)
    }

    /// Each distinct term of `terms` with how often it occurs.
    static func occurrences(_ terms: [String]) -> [String: Int] {
        terms.reduce(into: [:]) { $0[$1, default: 0] += 1 }
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
        guard try textDocumentLength(of: id) != nil else { return nil }
        let record = try bytes.withUnsafeBytes { try NodeRecord($0) }
        let values = record.payload.decode()
        return SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
    }

    /// Rebuilds the whole index from the node records, with `paths`.
    func rebuildTextIndex(paths: [String]) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments else { return }
        try txn.removeAll(in: textTerms)
        try txn.removeAll(in: documents)
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
    /// names.
    func verifyTextIndex(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            let paths = try textIndexPaths()
        else { return }
        var expected: [[UInt8]: Set<[UInt8]>] = [:]
        var lengths: [NodeID: Int] = [:]
        try txn.scan(schema.nodes) { key, value in
            guard key.count == 16, let record = try? NodeRecord(value) else { return true }
            let id = NodeID(key, at: 0)
            let values = record.payload.decode()
            let terms = SearchableText.terms(result: values.result, metadata: values.metadata, metadataPaths: paths)
            guard !terms.isEmpty else { return true }
            lengths[id] = terms.count
            for (term, occurrences) in Self.occurrences(terms) {
                expected[Array(term.utf8), default: []].insert(Self.textPosting(id, occurrences: occurrences))
            }
            return true
        }
        try txn.scan(textTerms) { key, value in
            let term = Array(key)
            if expected[term]?.remove(Array(value)) == nil {
                let node = value.count == 20 ? "node \(NodeID(value, at: 0))" : "a posting of \(value.count) bytes"
                problem(
                    .orphanIndexEntry, textTerms,
                    "\(node) is filed under \"\(String(decoding: term, as: UTF8.self))\", which its content does not hold so"
                )
            }
            return true
        }
        for (term, postings) in expected where !postings.isEmpty {
            for posting in postings {
                let id = posting.withUnsafeBytes { NodeID($0, at: 0) }
                problem(
                    .missingIndexEntry, textTerms,
                    "node \(id) holds \"\(String(decoding: term, as: UTF8.self))\" but is not filed under it")
            }
        }
        var total = 0
        try txn.scan(documents) { key, value in
            let id = key.count == 16 ? NodeID(key, at: 0) : nil
            let length = value.count == 4 ? Int(value.bigEndianUInt32(at: 0)) : -1
            total += max(0, length)
            if let id, lengths.removeValue(forKey: id) == length { return true }
            problem(.orphanIndexEntry, documents, "\(id.map { "node \($0)" } ?? "a key") has a wrong length \(length)")
            return true
        }
        for id in lengths.keys { problem(.missingIndexEntry, documents, "node \(id) has terms but no length") }
        let stored = try textLength()
        if stored != total {
            problem(.wrongCounter, schema.meta, "text.length is \(stored), the documents' lengths sum to \(total)")
        }
    }
}
