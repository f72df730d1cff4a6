/// One term of a search: a word, or the start of words (`plan*`).
public enum SearchTerm: Sendable, Hashable {
    /// Documents holding this term.
    case exact(String)
    /// Documents holding any term that starts with this one.
    case prefix(String)

    /// The terms of a search text, each once, in order: the words of ``TextAnalyzer``, and a
    /// word written with a `*` right after it as a prefix (`plan*` finds `plan`, `planner`,
    /// `planning`).
    public static func parse(_ text: String) -> [SearchTerm] {
        var terms: [SearchTerm] = []
        var seen: Set<SearchTerm> = []
        for chunk in text.split(whereSeparator: \.isWhitespace) {
            let isPrefix = chunk.hasSuffix("*")
            let words = TextAnalyzer.terms(in: String(chunk))
            for (index, word) in words.enumerated() {
                let term: SearchTerm = isPrefix && index == words.count - 1 ? .prefix(word) : .exact(word)
                if seen.insert(term).inserted { terms.append(term) }
            }
        }
        return terms
    }

    /// Whether `word`, an indexed term, is this one or starts with it.
    public func matches(_ word: String) -> Bool {
        switch self {
        case .exact(let term): word == term
        case .prefix(let start): word.utf8.starts(with: start.utf8)
        }
    }
}
