import SeededRandom
import Testing

@testable import MemoryGraphCore

@Suite("Text analysis")
struct TextAnalyzerTests {
    @Test(
        "words, folding and the characters that stay inside a word",
        arguments: [
            ("Crème Brûlée", ["creme", "brulee"]),
            ("ÉTÉ straße ﬁne Ångström naïve", ["ete", "strasse", "fine", "angstrom", "naive"]),
            ("don't stop—it’s 3.14, 1,000 or v2.0.", ["don't", "stop", "it's", "3.14", "1,000", "or", "v2.0"]),
            ("plan_v2 e-mail a.b 'quoted' x'", ["plan", "v2", "e", "mail", "a", "b", "quoted", "x"]),
            ("東京タワー is tall", ["東", "京", "タ", "ワ", "ー", "is", "tall"]),
            ("ガイド・ｶﾀﾛｸﾞ", ["ガ", "イ", "ド", "カ", "タ", "ロ", "グ"]),
            ("Привет, МИР! Καλημέρα", ["привет", "мир", "καλημερα"]),
            ("", []),
            ("  ...,,, !!! ", []),
        ])
    func words(text: String, expected: [String]) {
        #expect(TextAnalyzer.terms(in: text) == expected)
    }

    @Test("plain ASCII text takes the fast path and gives the terms of the Unicode rules")
    func asciiFastPath() {
        let alphabet = Array("aZ9'.,- \t!?_x0Q\"'s3.14,5e'").map(String.init)
        var random = SplitMix64(seed: 0xA5C11)
        for round in 0..<3_000 {
            let length = round == 0 ? 0 : Int.random(in: 1...90, using: &random)
            var text = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }.joined()
            if round % 50 == 0 { text += " " + String(repeating: "a", count: 60 + round % 10) }
            #expect(TextAnalyzer.asciiTerms(text) == TextAnalyzer.unicodeTerms(text), "\(text.debugDescription)")
        }
        #expect(TextAnalyzer.asciiTerms("Crème") == nil)
    }

    @Test("a word longer than the limit is left out, one at the limit kept")
    func longWords() {
        let kept = String(repeating: "a", count: TextAnalyzer.maximumTermLength)
        let dropped = kept + "b"
        #expect(TextAnalyzer.terms(in: "x \(dropped) \(kept) y") == ["x", kept, "y"])
    }

    @Test("the strings of a JSON value, object values in key order, keys left out")
    func jsonStrings() {
        let value: JSONValue = ["b": ["Second text", 3, true], "a": "First", "summary": ["nested": "Deep word"]]
        #expect(TextAnalyzer.terms(in: value) == ["first", "second", "text", "deep", "word"])
    }

    @Test("search terms: words once each, a trailing * makes the last word of its chunk a prefix")
    func searchTerms() {
        #expect(
            SearchTerm.parse("Plan* the plan, PLAN re-plan*")
                == [.prefix("plan"), .exact("the"), .exact("plan"), .exact("re")])
        #expect(SearchTerm.parse("*") == [])
        #expect(SearchTerm.prefix("plan").matches("planner") && !SearchTerm.prefix("plan").matches("pla"))
        #expect(SearchTerm.exact("plan").matches("plan") && !SearchTerm.exact("plan").matches("planner"))
    }
}
