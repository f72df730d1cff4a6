/// Which documents a search with several terms finds.
public enum SearchMatching: String, Sendable, Hashable, CaseIterable {
    /// Those that hold every term (for a prefix term, a word it starts).
    case all
    /// Those that hold at least one term.
    case any
}
