import MemoryGraphWorkload
import SeededRandom

/// The texts S9 searches: for each node of the data set, 8 to 30 words (uniform) drawn by Zipf
/// (s = 1.0) from a fixed vocabulary of 2 000 plain lowercase ASCII words, so that common and
/// rare words both occur. The same seed gives the same texts; the vocabulary never changes.
///
/// The words are made of letters `a`–`z` only, so MemoryGraph's analyzer and SQLite's
/// `unicode61` tokenizer cut a text into the same tokens.
struct TextCorpus: Sendable {
    /// The vocabulary, most frequent first: English-like words of one to three syllables.
    static let vocabulary = makeVocabulary(count: 2_000)

    /// Each node's words, as indexes into ``vocabulary``, in order, repeats included.
    let documents: [[UInt16]]

    /// The texts of `count` nodes, drawn with a generator seeded from `seed`.
    init(count: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed ^ 0x7E47_C0B9)
        let sampler = ZipfSampler(count: Self.vocabulary.count, exponent: 1.0)
        documents = (0..<count).map { _ in
            (0..<Int.random(in: 8...30, using: &random)).map { _ in UInt16(sampler.next(using: &random)) }
        }
    }

    /// The text of node `index`: its words separated by spaces.
    func text(_ index: Int) -> String { documents[index].map { Self.vocabulary[Int($0)] }.joined(separator: " ") }

    /// `count` distinct words of syllables (onset, vowel, coda), from a generator of its own:
    /// none is a word of the data set's `type` values, so a query word never matches those.
    private static func makeVocabulary(count: Int) -> [String] {
        let onsets = [
            "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "y", "z", "bl",
            "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "sh", "sk", "sl", "sp", "st", "str",
            "th", "tr", "wh",
        ]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "oo", "ou", "y"]
        let codas = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "nt", "st", "ck", "ng", "rd", "ld", "sh"]
        let reserved = Set(
            Workload.types.flatMap { $0.split(separator: "_").map(String.init) })
        var random = SplitMix64(seed: 0x57_0CAB)
        var seen = Set<String>()
        var words: [String] = []
        while words.count < count {
            var word = ""
            for _ in 0..<[1, 2, 2, 2, 3, 3].randomElement(using: &random)! {
                word +=
                    onsets.randomElement(using: &random)! + vowels.randomElement(using: &random)!
                    + codas.randomElement(using: &random)!
            }
            guard word.count >= 3, !reserved.contains(word), seen.insert(word).inserted else { continue }
            words.append(word)
        }
        return words
    }
}
