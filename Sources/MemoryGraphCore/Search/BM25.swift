import Foundation

/// Okapi BM25, the ranking function of search: a document's score for a query is, summed over
/// the query's terms found in it,
///
///     idf(t) · f · (k1 + 1) / (f + k1 · (1 − b + b · |D| / avgdl))
///
/// where `f` is how often the term occurs in the document, `|D|` the document's length in
/// terms, `avgdl` the average length of every searchable document in the store, and
/// `idf(t) = ln(1 + (N − n + 0.5) / (n + 0.5))` for `n` documents holding the term among `N`
/// (the form Lucene uses, never negative).
public struct BM25: Sendable, Hashable {
    /// How fast a term's weight saturates as it repeats. Default: 1.2.
    public var k1: Double
    /// How much a document's length discounts its terms (0: not at all, 1: fully). Default: 0.75.
    public var b: Double

    /// The parameters given; by default those of Lucene and most search engines.
    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// The weight of a term that `matching` of `documents` documents hold.
    public func inverseDocumentFrequency(matching: Int, of documents: Int) -> Double {
        let n = Double(matching)
        return log(1 + (Double(documents) - n + 0.5) / (n + 0.5))
    }

    /// A term's part of a document's score: it occurs `frequency` times in a document of
    /// `length` terms, where documents hold `averageLength` terms on average.
    public func termScore(frequency: Int, length: Int, averageLength: Double, weight idf: Double) -> Double {
        let f = Double(frequency)
        let norm = averageLength > 0 ? Double(length) / averageLength : 1
        return idf * f * (k1 + 1) / (f + k1 * (1 - b + b * norm))
    }
}
