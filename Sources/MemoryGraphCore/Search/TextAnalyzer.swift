import Foundation

/// How text becomes search terms: the same rules for what is indexed and for what is searched.
///
/// 1. The text is folded: case (full case folding, so `ß` matches `ss`, and `ﬁ` matches `fi`),
///    width (`ｶ` matches `カ`) and diacritics (`é` matches `e`; but not the voicing marks of
///    kana: `ガ` is not `カ`).
/// 2. It is cut into words, a subset of Unicode's word boundaries (UAX #29): a word is a run of
///    letters, combining marks and digits; an apostrophe (`'`, or `’`, which becomes `'`)
///    between two letters and a `.` or `,` between two digits stay inside it (`don't`,
///    `3.14`); every other character ends it. Each Han ideograph, Hiragana and Katakana character is a word of its own, as
///    those scripts put no spaces between words.
/// 3. Words longer than ``maximumTermLength`` UTF-8 bytes are left out (they are identifiers
///    or encoded data, not words to search for).
///
/// Scripts written without spaces other than Chinese and Japanese — Thai, Lao, Khmer, Myanmar —
/// are cut only at spaces and punctuation, so their text is found by whole phrases at best.
///
/// ```swift
/// TextAnalyzer.terms(in: "Crème brûlée, DON'T skip step 3.14")
/// // ["creme", "brulee", "don't", "skip", "step", "3.14"]
/// ```
public enum TextAnalyzer {
    /// The longest term kept, in UTF-8 bytes.
    public static let maximumTermLength = 64

    /// The terms of `text`, in order, repeats included.
    public static func terms(in text: String) -> [String] {
        if let ascii = asciiTerms(text) { return ascii }
        return unicodeTerms(text)
    }

    /// The terms of `text` when it is plain ASCII (`nil` otherwise), by the same rules as
    /// ``unicodeTerms(_:)`` applied to bytes: folding is lowercasing, a word is a run of letters
    /// and digits, an apostrophe between letters and a `.` or `,` between digits stay inside it.
    /// Foundation's folding decomposes and recomposes every string; most stored text needs none of it.
    static func asciiTerms(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
            func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
            var terms: [String] = []
            var word: [UInt8] = []
            func finish() {
                if !word.isEmpty, word.count <= maximumTermLength {
                    terms.append(String(decoding: word, as: UTF8.self))
                }
                word.removeAll(keepingCapacity: true)
            }
            for index in bytes.indices {
                let byte = bytes[index]
                if isLetter(byte) {
                    word.append(byte | 0x20)
                } else if isDigit(byte) {
                    word.append(byte)
                } else if !word.isEmpty, index + 1 < bytes.count,
                    (byte == 0x27 && isLetter(bytes[index - 1]) && isLetter(bytes[index + 1]))
                        || ((byte == 0x2E || byte == 0x2C) && isDigit(bytes[index - 1]) && isDigit(bytes[index + 1]))
                {
                    word.append(byte)
                } else {
                    finish()
                }
            }
            finish()
            return terms
        }
    }

    /// The terms of any `text`, folded by Foundation and cut by the Unicode properties of its
    /// scalars.
    static func unicodeTerms(_ text: String) -> [String] {
        let folded = fold(text)
        var terms: [String] = []
        var word = String.UnicodeScalarView()
        func finish() {
            if !word.isEmpty, String(word).utf8.count <= maximumTermLength { terms.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        let scalars = Array(folded.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if isStandalone(scalar), isWordCharacter(scalar) {
                finish()
                word.append(scalar)
                finish()
            } else if isWordCharacter(scalar) || (isMark(scalar) && !word.isEmpty) {
                word.append(scalar)
            } else if !word.isEmpty, index + 1 < scalars.count,
                joins(scalar, after: scalars[index - 1], before: scalars[index + 1])
            {
                word.append(scalar == "\u{2019}" ? "'" : scalar)
            } else {
                finish()
            }
        }
        finish()
        return terms
    }

    /// `text` with case, width and diacritics folded — but the voicing marks of kana, which
    /// make other sounds (`ガ` stays `ガ`) — and composed again.
    private static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
        var kept = String.UnicodeScalarView()
        for scalar in folded.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark || (0x3099...0x309A).contains(scalar.value) {
            kept.append(scalar)
        }
        return String(kept).precomposedStringWithCanonicalMapping
    }

    /// The terms of every string in `value`, depth first: the values of objects (not their
    /// keys), in key order, and the elements of arrays.
    public static func terms(in value: JSONValue) -> [String] {
        var terms: [String] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .string(let text): terms += Self.terms(in: text)
            case .array(let elements): elements.forEach(visit)
            case .object(let members): for key in members.keys.sorted() { visit(members[key] ?? .null) }
            default: break
            }
        }
        visit(value)
        return terms
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            false
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        isWordCharacter(scalar) && !isDigit(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    /// Whether `scalar` stays inside a word between `previous` and `next`.
    private static func joins(_ scalar: Unicode.Scalar, after previous: Unicode.Scalar, before next: Unicode.Scalar)
        -> Bool
    {
        switch scalar {
        case "'", "\u{2019}": isLetter(previous) && isLetter(next) && !isStandalone(previous) && !isStandalone(next)
        case ".", ",": isDigit(previous) && isDigit(next)
        default: false
        }
    }

    /// Han ideographs, Hiragana and Katakana: each a word of its own.
    private static func isStandalone(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isIdeographic || (0x3040...0x30FF).contains(scalar.value)
            || (0x31F0...0x31FF).contains(scalar.value) || (0xFF66...0xFF9D).contains(scalar.value)
    }
}
