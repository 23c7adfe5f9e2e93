import Foundation
import LoragBasics
import Testing
import Tokenizers

@Suite struct WordPieceTokenizerTests {
    static func miniLM() throws -> WordPieceTokenizer {
        try WordPieceTokenizer.load(folder: TestFiles.model("all-MiniLM-L6-v2"))
    }

    /// The reference inputs (English, punctuation, literal special tokens, accents, CJK, emoji,
    /// control characters, 150-character words, truncation at 256) give exactly the ids
    /// sentence-transformers feeds the model.
    @Test func idsEqualSentenceTransformers() throws {
        let tokenizer = try Self.miniLM()
        #expect(tokenizer.maxLength == 256, "sentence_bert_config.json's max_seq_length, not tokenizer.json's 128")
        let sentences = try TestFiles.jsonl("minilm_sentences.jsonl", as: SentenceRow.self)
        let expected = try TestFiles.jsonl("minilm_tokens.jsonl", as: WordPieceRow.self)
        try #require(sentences.count == 85 && expected.count == 85)
        for (sentence, reference) in zip(sentences, expected) {
            let encoding = tokenizer.encode(sentence.text)
            #expect(encoding.ids == reference.input_ids, "input \(sentence.id): \(sentence.text.prefix(60))")
            #expect(encoding.untruncatedCount == reference.untruncated_num_tokens)
            #expect(encoding.truncated == reference.truncated)
            #expect(tokenizer.count(sentence.text) == encoding.untruncatedCount - 2)
        }
    }

    /// vocab.txt with tokenizer_config.json is the other way a BERT folder describes the tokenizer;
    /// it must give the same ids.
    @Test func vocabTextMatchesTokenizerJSON() throws {
        let folder = try TestFiles.model("all-MiniLM-L6-v2")
        let fromJSON = try Self.miniLM()
        let config = try #require(JSONValue(
            parsing: [UInt8](Data(contentsOf: folder.appendingPathComponent("tokenizer_config.json")))).objectValue)
        let fromText = try WordPieceTokenizer(
            vocabText: String(contentsOf: folder.appendingPathComponent("vocab.txt"), encoding: .utf8),
            config: config, maxLength: 256)
        #expect(fromText.vocabulary == fromJSON.vocabulary)
        for sentence in try TestFiles.jsonl("minilm_sentences.jsonl", as: SentenceRow.self) {
            #expect(fromText.encode(sentence.text).ids == fromJSON.encode(sentence.text).ids)
        }
    }

    /// Offsets point back at the original text, through accent stripping, lower-casing and
    /// special tokens.
    @Test func offsetsIndexTheOriginalText() throws {
        let tokenizer = try Self.miniLM()
        let text = "Crème [SEP] brûlée, naïve"
        let encoding = tokenizer.encode(text)
        let scalars = Array(text.unicodeScalars)
        let pieces = zip(encoding.ids, encoding.offsets).map { id, range in
            (tokenizer.vocabulary[id], String(String.UnicodeScalarView(scalars[range])))
        }
        #expect(pieces.map(\.0) == ["[CLS]", "cr", "##eme", "[SEP]", "br", "##ule", "##e", ",", "naive", "[SEP]"])
        #expect(pieces.map(\.1) == ["", "Cr", "ème", "[SEP]", "br", "ûlé", "e", ",", "naïve", ""])
    }

    // Hand-made vocabulary: each rule on its own.
    static let tiny = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "##b", "中", "!", "cafe", "##a"]

    @Test func greedyLongestMatchAndUnknown() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tiny)
        #expect(tokenizer.encode("Unaffable!").ids == [2, 5, 6, 7, 11, 3])
        // A word with one piece missing becomes one [UNK], whole.
        #expect(tokenizer.encode("unaffablex a").ids == [2, 1, 8, 3])
        // CJK ideographs are words of their own; Café loses its accent.
        #expect(tokenizer.encode("中中 CAFÉ").ids == [2, 10, 10, 12, 3])
        // Literal specials match before normalisation; lower-case ones do not.
        #expect(tokenizer.encode("a[MASK][mask]").ids == [2, 8, 4, 1, 1, 1, 3])
        // Whitespace-only and empty input still give [CLS] [SEP].
        #expect(tokenizer.encode(" \t\u{200B}\n").ids == [2, 3])
        #expect(tokenizer.encode("").ids == [2, 3])
    }

    @Test func wordsOverTheLimitAreUnknown() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tiny)
        let pairs = (0..<49).flatMap { _ in [13, 9] }
        #expect(tokenizer.encode(String(repeating: "ab", count: 50)).ids == [2, 8, 9] + pairs + [3])
        #expect(tokenizer.encode(String(repeating: "ab", count: 50) + "a").ids == [2, 1, 3])
    }

    @Test func truncationKeepsSeparatorLast() throws {
        var tokenizer = try WordPieceTokenizer(vocabulary: Self.tiny)
        tokenizer.maxLength = 4
        let encoding = tokenizer.encode("a a a a a")
        #expect(encoding.ids == [2, 8, 8, 3])
        #expect(encoding.untruncatedCount == 7)
        #expect(encoding.truncated)
    }

    @Test func missingSpecialTokenIsAnError() {
        #expect(throws: TokenizerError.unknownToken(file: "vocabulary", token: "[CLS]", role: "classifier")) {
            try WordPieceTokenizer(vocabulary: ["[UNK]", "[SEP]", "[PAD]"], specialTokens: [])
        }
    }
}

/// `separatesWords`: the chunker sums token counts across exactly these scalars.
@Suite struct WordPieceSeparatorTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##able", "able", "a", "b", "##b",
                             "中", "!", "cafe", "x"]

    /// Every scalar declared a separator adds up (and is no token itself) between words, accented
    /// words, CJK, punctuation, special tokens and unknown words; every White_Space scalar that
    /// cleaning drops (VT, FF, NEL) is not declared, and indeed joins its neighbours.
    @Test func countsAddUpAcrossSeparators() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.vocabulary)
        let words = ["un", "able", "unable", "Café", "中中", "a!b", "[SEP]", "zzz", ""]
        let whitespace = (0...0x3000 as ClosedRange<UInt32>).compactMap(Unicode.Scalar.init).filter { $0.properties.isWhitespace }
        var separators: [Unicode.Scalar] = []
        for s in whitespace + ["a", "\u{0}", "\u{200B}", "\u{FFFD}", "!"] where tokenizer.separatesWords(s) {
            separators.append(s)
            #expect(tokenizer.count(String(s)) == 0)
            for left in words {
                for right in words {
                    let joined = left + String(s) + String(s) + right
                    #expect(tokenizer.count(joined) == tokenizer.count(left) + tokenizer.count(right),
                            "\(joined.debugDescription)")
                }
            }
        }
        #expect(Set(separators) == Set(whitespace).subtracting(["\u{0B}", "\u{0C}", "\u{85}"]))
        for s: Unicode.Scalar in ["\u{0B}", "\u{0C}", "\u{85}"] {
            // "ca" and "fe" are one [UNK] each; joined they are "cafe", one token.
            #expect(tokenizer.count("ca" + String(s) + "fe") == 1)
            #expect(tokenizer.count("ca") + tokenizer.count("fe") == 2)
        }
    }

    /// A special token that holds a space could match across what would otherwise be two words:
    /// then no scalar is declared a separator.
    @Test func aSpecialTokenWithASpaceDeclaresNoSeparator() throws {
        let plain = try WordPieceTokenizer(vocabulary: Self.vocabulary + ["[two words]"])
        #expect(plain.separatesWords(" "))
        let spanning = try WordPieceTokenizer(vocabulary: Self.vocabulary + ["[two words]"],
                                              specialTokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[two words]"])
        #expect(spanning.count("[two words]") == 1)
        #expect(!spanning.separatesWords(" ") && !spanning.separatesWords("\n"))
    }
}
