import LMDB
import MemoryGraphCore

/// Search by words through the full-text index, ranked exactly as ``SearchCorpus`` ranks the
/// nodes the read can see.
extension StoreTransaction {
    /// One node's running score: its length, its score so far, and which query terms it holds.
    private struct Accumulator {
        var length: Int
        var score = 0.0
        var matched: UInt64 = 0
    }

    /// The best `limit` nodes for `terms` among those `filter` matches, by ``BM25`` over every
    /// node the read can see; `nil` when the index was not built with `metadataPaths` (the
    /// caller then reads every node).
    ///
    /// Each query term's words are read from `text.terms` (a prefix term's in byte order), and
    /// each posting adds its part to its node's score in the order ``SearchCorpus`` sums them, so
    /// the scores are the same to the last bit. Nodes expired but not swept yet count in
    /// nothing.
    func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String],
        parameters: BM25 = BM25()
    ) throws -> [ScoredNodeID]? {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            try textIndexPaths() == metadataPaths, terms.count <= 64
        else { return nil }
        let hidden = try hidden()
        var documentCount = try txn.statistics(of: documents).entries
        var totalLength = try textLength()
        var hiddenDocuments: [NodeID] = []
        for id in hidden {
            guard let length = try textDocumentLength(of: id) else { continue }
            documentCount -= 1
            totalLength -= length
            hiddenDocuments.append(id)
        }
        let averageLength = documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0
        var allowed: Set<NodeID>?
        if !filter.isUnconstrained {
            var unlimited = filter
            unlimited.limit = .max
            allowed = Set(try run(ResolvedQuery(unlimited, after: nil, store: self), limit: .max).postings.map(\.id))
        }

        var accumulators: [NodeID: Accumulator] = [:]
        let cursor = try txn.cursor(textTerms)
        defer { cursor.close() }
        for (index, term) in terms.enumerated() {
            for word in try words(of: term, cursor: cursor) {
                guard try cursor.seek(to: word) else { continue }
                var frequency = try cursor.duplicateCount()
                for id in hiddenDocuments where try holds(cursor, word, id) { frequency -= 1 }
                let weight = parameters.inverseDocumentFrequency(matching: frequency, of: documentCount)
                guard try cursor.seek(to: word) else { continue }
                var postings: [(NodeID, Int)] = []
                try cursor.forEachDuplicateBatch { batch in
                    var offset = 0
                    while offset + 20 <= batch.count {
                        postings.append((NodeID(batch, at: offset), Int(batch.bigEndianUInt32(at: offset + 16))))
                        offset += 20
                    }
                    return true
                }
                for (id, occurrences) in postings {
                    if let allowed, !allowed.contains(id) { continue }
                    if hidden.contains(id) { continue }
                    var accumulator: Accumulator
                    if let known = accumulators[id] {
                        accumulator = known
                    } else {
                        guard let length = try textDocumentLength(of: id) else { continue }
                        accumulator = Accumulator(length: length)
                    }
                    accumulator.score += parameters.termScore(
                        frequency: occurrences, length: accumulator.length, averageLength: averageLength,
                        weight: weight)
                    accumulator.matched |= 1 << UInt64(index)
                    accumulators[id] = accumulator
                }
            }
        }
        var top = TopScores(limit: limit)
        let everyTerm: UInt64 = terms.count == 64 ? .max : (1 << UInt64(terms.count)) - 1
        for (id, accumulator) in accumulators {
            let matches = matching == .all ? accumulator.matched == everyTerm : accumulator.matched != 0
            if matches { top.offer(id, score: accumulator.score) }
        }
        return top.best
    }

    /// The indexed words `term` stands for, in byte order: itself if indexed, or every indexed
    /// word it starts.
    private func words(of term: SearchTerm, cursor: Cursor) throws -> [[UInt8]] {
        switch term {
        case .exact(let word):
            return [Array(word.utf8)]
        case .prefix(let start):
            let prefix = Array(start.utf8)
            var words: [[UInt8]] = []
            guard try cursor.seek(atLeast: prefix) else { return [] }
            repeat {
                let key = cursor.withCurrent { key, _ in Array(key) }
                guard key.starts(with: prefix) else { break }
                words.append(key)
            } while try cursor.nextKey()
            return words
        }
    }

    /// Whether node `id` is filed under `word`.
    private func holds(_ cursor: Cursor, _ word: [UInt8], _ id: NodeID) throws -> Bool {
        let start = Self.textPosting(id, occurrences: 0)
        guard try cursor.seek(to: word, duplicateAtLeast: start) else { return false }
        return cursor.withCurrent { _, value in value.count == 20 && NodeID(value, at: 0) == id }
    }
}
