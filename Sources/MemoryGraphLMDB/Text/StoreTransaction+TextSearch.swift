import LMDB
import MemoryGraphCore

/// Search by words through the full-text index, ranked exactly as ``SearchCorpus`` ranks the
/// nodes the read can see.
extension StoreTransaction {
    /// One document's running score: its node (`nil` when the filter refuses it), its length,
    /// its score so far, and which query terms it holds.
    private struct Accumulator {
        var id: NodeID?
        var length: Int
        var score = 0.0
        var matched: UInt64 = 0
    }

    /// The best `limit` nodes for `terms` among those `filter` matches, by ``BM25`` over every
    /// node the read can see; `nil` when the index was not built with `metadataPaths` (the
    /// caller then reads every node).
    ///
    /// Each query term's words are read from `text.terms` (a prefix term's in byte order). When
    /// the candidates are few — the filter's matches, or the postings of the rarest term when
    /// every term must match — each is scored by looking its postings up; otherwise every posting
    /// of every word adds its part to its node's score. Either way a node's parts are summed in
    /// the order ``SearchCorpus`` sums them, so the scores are the same to the last bit. Nodes
    /// expired but not swept yet count in nothing.
    func searchText(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String],
        parameters: BM25 = BM25()
    ) throws -> [ScoredNodeID]? {
        try searchTextExplained(
            terms, matching: matching, filter: filter, limit: limit, metadataPaths: metadataPaths,
            parameters: parameters)?.hits
    }

    /// ``searchText(_:matching:filter:limit:metadataPaths:parameters:)`` with how it ran.
    func searchTextExplained(
        _ terms: [SearchTerm], matching: SearchMatching, filter: MemoryQuery, limit: Int, metadataPaths: [String],
        parameters: BM25 = BM25()
    ) throws -> (hits: [ScoredNodeID], ranking: SearchPlan.Ranking)? {
        guard let textTerms = schema.textTerms, let documents = schema.textDocuments,
            try textIndexPaths() == metadataPaths, terms.count <= 64
        else { return nil }
        let hidden = try hidden()
        var documentCount = try txn.statistics(of: documents).entries
        var totalLength = try textLength()
        var hiddenNumbers = Set<UInt64>()
        for id in hidden {
            guard let document = try textDocument(of: id) else { continue }
            documentCount -= 1
            totalLength -= document.length
            hiddenNumbers.insert(document.number)
        }
        let averageLength = documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0
        var allowed: Set<NodeID>?
        if !filter.isUnconstrained {
            var unlimited = filter
            unlimited.limit = .max
            allowed = Set(try run(ResolvedQuery(unlimited, after: nil, store: self), limit: .max).postings.map(\.id))
        }

        let cursor = try txn.cursor(textTerms)
        defer { cursor.close() }
        // Each query term's words in byte order, with their weights and posting counts.
        var expansions: [[(word: [UInt8], weight: Double, postings: Int)]] = []
        for term in terms {
            var expansion: [(word: [UInt8], weight: Double, postings: Int)] = []
            for word in try words(of: term, cursor: cursor) {
                guard try cursor.seek(to: word) else { continue }
                let postings = try cursor.duplicateCount()
                var frequency = postings
                for number in hiddenNumbers where try holds(cursor, word, number) != nil { frequency -= 1 }
                let weight = parameters.inverseDocumentFrequency(matching: frequency, of: documentCount)
                expansion.append((word, weight, postings))
            }
            expansions.append(expansion)
        }
        let postingCounts = expansions.map { $0.reduce(0) { $0 + $1.postings } }
        var top = TopScores(limit: limit)

        // Few candidates — the filter's matches, or the postings of the rarest term when every
        // term must match: score each by looking its postings up, in number order.
        var candidates: [(id: NodeID, document: TextDocument)]?
        var reason = ""
        if let allowed, allowed.count <= (matching == .all ? postingCounts.min() ?? 0 : postingCounts.reduce(0, +)) {
            candidates = try allowed.compactMap { id in try textDocument(of: id).map { (id, $0) } }
            reason = "the filter matches \(allowed.count) nodes, no more than the words' postings"
        } else if matching == .all,
            let rarest = postingCounts.indices.min(by: { postingCounts[$0] < postingCounts[$1] })
        {
            var numbers = Set<UInt64>()
            for (word, _, _) in expansions[rarest] {
                try postings(of: word, cursor: cursor) { number, _ in numbers.insert(number) }
            }
            var found: [(id: NodeID, document: TextDocument)] = []
            for number in numbers {
                guard let (id, length) = try textDocument(numbered: number), allowed?.contains(id) ?? true else {
                    continue
                }
                found.append((id, TextDocument(number: number, length: length)))
            }
            candidates = found
            reason = "every word must match, and the rarest has \(postingCounts[rarest]) postings"
        }
        if let candidates {
            for (id, document) in candidates.sorted(by: { $0.document.number < $1.document.number })
            where !hidden.contains(id) {
                var score = 0.0
                var matched = 0
                for expansion in expansions {
                    var found = false
                    for (word, weight, _) in expansion {
                        guard let occurrences = try holds(cursor, word, document.number) else { continue }
                        found = true
                        score += parameters.termScore(
                            frequency: occurrences, length: document.length, averageLength: averageLength,
                            weight: weight)
                    }
                    if found { matched += 1 }
                }
                if matching == .all ? matched == terms.count : matched > 0 { top.offer(id, score: score) }
            }
            return (
                top.best,
                SearchPlan.Ranking(
                    method: .textIndexCandidates, scored: candidates.count, found: top.best.count, reason: reason)
            )
        }

        // Many candidates: walk every posting of every word, adding to each document's score.
        var accumulators: [UInt64: Accumulator] = [:]
        for (index, expansion) in expansions.enumerated() {
            for (word, weight, _) in expansion {
                var postings: [(UInt64, Int)] = []
                try self.postings(of: word, cursor: cursor) { postings.append(($0, $1)) }
                for (number, occurrences) in postings where !hiddenNumbers.contains(number) {
                    var accumulator: Accumulator
                    if let known = accumulators[number] {
                        guard known.id != nil else { continue }
                        accumulator = known
                    } else {
                        guard let (id, length) = try textDocument(numbered: number) else { continue }
                        if let allowed, !allowed.contains(id) {
                            accumulators[number] = Accumulator(id: nil, length: 0)
                            continue
                        }
                        accumulator = Accumulator(id: id, length: length)
                    }
                    accumulator.score += parameters.termScore(
                        frequency: occurrences, length: accumulator.length, averageLength: averageLength,
                        weight: weight)
                    accumulator.matched |= 1 << UInt64(index)
                    accumulators[number] = accumulator
                }
            }
        }
        let everyTerm: UInt64 = terms.count == 64 ? .max : (1 << UInt64(terms.count)) - 1
        for accumulator in accumulators.values {
            guard let id = accumulator.id else { continue }
            let matches = matching == .all ? accumulator.matched == everyTerm : accumulator.matched != 0
            if matches { top.offer(id, score: accumulator.score) }
        }
        let walked = postingCounts.reduce(0, +)
        return (
            top.best,
            SearchPlan.Ranking(
                method: .textIndex, scored: walked, found: top.best.count,
                reason: "the words' \(walked) postings are fewer than the candidates a lookup would check")
        )
    }

    /// Calls `visit` with every posting of `word`: the document number and how often the word
    /// occurs in it.
    private func postings(of word: [UInt8], cursor: Cursor, _ visit: (UInt64, Int) throws -> Void) throws {
        guard try cursor.seek(to: word) else { return }
        try cursor.forEachDuplicateBatch { batch in
            var offset = 0
            while offset + 12 <= batch.count {
                try visit(batch.bigEndianUInt64(at: offset), Int(batch.bigEndianUInt32(at: offset + 8)))
                offset += 12
            }
            return true
        }
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

    /// How often document `number` holds `word`, `nil` when it is not filed under it.
    private func holds(_ cursor: Cursor, _ word: [UInt8], _ number: UInt64) throws -> Int? {
        let start = Self.textPosting(number, occurrences: 0)
        guard try cursor.seek(to: word, duplicateAtLeast: start) else { return nil }
        return cursor.withCurrent { _, value in
            value.count == 12 && value.bigEndianUInt64(at: 0) == number ? Int(value.bigEndianUInt32(at: 8)) : nil
        }
    }
}
