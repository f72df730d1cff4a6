import MemoryGraphCore
import Testing

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
