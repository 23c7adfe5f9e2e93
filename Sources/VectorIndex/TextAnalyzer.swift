// The BM25 analyser: how text becomes index terms. It follows the steps of Lucene's
// EnglishAnalyzer, which Anserini's BEIR baselines use, so that the scores are comparable:
//
//   1. Word splitting on Unicode scalars (after UAX #29 in spirit): a token is a run of
//      letters, digits and combining marks; an apostrophe between two letters stays inside a
//      word ("don't"), and "." or "," between two digits stays inside a number ("3.5",
//      "1,000"). Each ideograph (Han, kana) is a token of its own, as Lucene's
//      StandardTokenizer does. Everything else separates tokens.
//   2. Lower-casing with Unicode's full case mapping (String.lowercased()).
//   3. Possessive removal: a trailing "'s" or "’s" is dropped.
//   4. Stop words (optional): Lucene's English stop set, the 33 words below.
//   5. Stemming (optional): Porter's algorithm (PorterStemmer.swift) on ASCII words.
//
// The options are stored in the index file, so queries are analysed like the documents.

public struct TextAnalyzer: Sendable, Equatable {
    public var stemming: Bool
    public var stopWords: Bool

    public init(stemming: Bool = true, stopWords: Bool = true) {
        self.stemming = stemming
        self.stopWords = stopWords
    }

    /// Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
    public static let englishStopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
        "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
        "to", "was", "will", "with",
    ]

    /// The terms of `text`, in order, with repeats.
    public func terms(_ text: String) -> [String] {
        var result: [String] = []
        for token in TextAnalyzer.words(text) {
            var term = token.lowercased()
            if term.hasSuffix("'s") || term.hasSuffix("\u{2019}s") { term.removeLast(2) }
            if term.isEmpty || (stopWords && TextAnalyzer.englishStopWords.contains(term)) { continue }
            result.append(stemming ? PorterStemmer.stem(term) : term)
        }
        return result
    }

    private enum Kind { case word, ideograph, apostrophe, numberJoiner, separator }

    @inline(__always)
    private static func kind(_ scalar: Unicode.Scalar) -> Kind {
        let v = scalar.value
        if v < 0x80 {
            switch v {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return .word
            case 0x27: return .apostrophe
            case 0x2C, 0x2E: return .numberJoiner
            default: return .separator
            }
        }
        if v == 0x2019 { return .apostrophe }
        let properties = scalar.properties
        if properties.isIdeographic || (0x3040...0x30FF).contains(v) { return .ideograph }
        if properties.isAlphabetic || properties.numericType != nil { return .word }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return .word
        default: return .separator
        }
    }

    /// The raw tokens of `text` (step 1), before lower-casing.
    static func words(_ text: String) -> [Substring] {
        var tokens: [Substring] = []
        let scalars = text.unicodeScalars
        var start: String.UnicodeScalarView.Index?
        var index = scalars.startIndex
        func close(_ end: String.UnicodeScalarView.Index) {
            if let s = start { tokens.append(Substring(scalars[s..<end])) }
            start = nil
        }
        while index < scalars.endIndex {
            let scalar = scalars[index]
            switch kind(scalar) {
            case .word:
                if start == nil { start = index }
            case .ideograph:
                close(index)
                tokens.append(Substring(scalars[index...index]))
            case .apostrophe, .numberJoiner:
                // Inside a token only between two letters (apostrophe) or two digits (joiner).
                let next = scalars.index(after: index)
                let joined: Bool
                if start != nil, next < scalars.endIndex {
                    let before = scalars[scalars.index(before: index)], after = scalars[next]
                    if kind(scalar) == .apostrophe {
                        joined = before.properties.isAlphabetic && after.properties.isAlphabetic
                    } else {
                        joined = before.properties.numericType != nil && after.properties.numericType != nil
                    }
                } else {
                    joined = false
                }
                if !joined { close(index) }
            case .separator:
                close(index)
            }
            index = scalars.index(after: index)
        }
        close(scalars.endIndex)
        return tokens
    }
}
