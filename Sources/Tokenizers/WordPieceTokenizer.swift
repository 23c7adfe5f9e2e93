import Foundation

/// The tokens of one text for a BERT model: `[CLS]`, the wordpieces, `[SEP]`.
public struct WordPieceEncoding: Sendable, Equatable {
    /// Token ids, `[CLS]` first and `[SEP]` last, at most `maxLength` of them.
    public var ids: [Int]
    /// For each id, the range of Unicode scalars (code points, as Python indexes a `str`) of the
    /// original text it stands for; empty at the position of `[CLS]`/`[SEP]`, which come from no text.
    public var offsets: [Range<Int>]
    /// How many ids there would be without truncation, `[CLS]` and `[SEP]` included.
    public var untruncatedCount: Int

    /// Whether wordpieces were cut off to fit `maxLength`.
    public var truncated: Bool { untruncatedCount > ids.count }
}

/// BERT's WordPiece tokenizer, as Hugging Face `tokenizers` runs it from a `tokenizer.json`
/// (BertNormalizer, BertPreTokenizer, WordPiece, `[CLS] $A [SEP]`) and as sentence-transformers
/// calls it: truncated to `maxLength` ids, never padded (padding to the longest text of a batch is
/// the model's business).
public struct WordPieceTokenizer: Sendable {
    /// Token strings by id.
    public let vocabulary: [String]
    public let clsID: Int
    public let sepID: Int
    public let unknownID: Int
    public let paddingID: Int
    /// The most ids `encode` returns, `[CLS]` and `[SEP]` included.
    public var maxLength: Int
    /// Longer words (in normalised scalars) become one `[UNK]` without being looked at.
    public var maxInputCharsPerWord: Int

    private let trie: VocabularyTrie
    /// The trie node reached by the continuation prefix `##`: where non-initial pieces are looked up.
    private let continuationNode: Int?
    private let preTokenizer: BertPreTokenizer
    private let specials: SpecialTokenMatcher
    /// Whether some special token holds a scalar the pre-tokenizer splits at, so that a match could
    /// span what would otherwise separate words.
    private let specialsSpanWords: Bool

    /// - Parameters:
    ///   - vocabulary: token strings by id.
    ///   - specialTokens: tokens matched literally in the raw text before normalisation.
    ///   - lowercase, stripAccents: the normaliser's options (`stripAccents` nil follows `lowercase`,
    ///     as Hugging Face does).
    public init(vocabulary: [String], unknownToken: String = "[UNK]", clsToken: String = "[CLS]",
                sepToken: String = "[SEP]", padToken: String = "[PAD]",
                specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                lowercase: Bool = true, stripAccents: Bool? = nil, cleanText: Bool = true,
                handleChineseChars: Bool = true, continuingSubwordPrefix: String = "##",
                maxInputCharsPerWord: Int = 100, maxLength: Int = 512, source: String = "vocabulary") throws {
        var trie = VocabularyTrie()
        var ids: [String: Int] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (id, token) in vocabulary.enumerated() where !token.isEmpty {
            trie.insert(token, id: id)
            ids[token] = id
        }
        func id(_ token: String, _ role: String) throws -> Int {
            guard let id = ids[token] else { throw TokenizerError.unknownToken(file: source, token: token, role: role) }
            return id
        }
        self.vocabulary = vocabulary
        self.unknownID = try id(unknownToken, "unknown")
        self.clsID = try id(clsToken, "classifier")
        self.sepID = try id(sepToken, "separator")
        self.paddingID = try id(padToken, "padding")
        self.specials = SpecialTokenMatcher(try specialTokens.map { ($0, try id($0, "special")) })
        self.trie = trie
        self.continuationNode = trie.walk(VocabularyTrie.root, continuingSubwordPrefix)
        let preTokenizer = BertPreTokenizer(cleanText: cleanText, handleChineseChars: handleChineseChars,
                                            stripAccents: stripAccents ?? lowercase, lowercase: lowercase)
        self.preTokenizer = preTokenizer
        self.specialsSpanWords = specialTokens.contains { $0.unicodeScalars.contains(where: preTokenizer.separates) }
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.maxLength = max(2, maxLength)
    }

    /// The ids of `text` for the model: `[CLS]`, the first `maxLength - 2` wordpieces, `[SEP]`.
    public func encode(_ text: String) -> WordPieceEncoding {
        var ids = [clsID]
        var offsets = [0..<0]
        let budget = maxLength - 2
        var count = 0
        forEachToken(text) { id, range in
            count += 1
            if count <= budget {
                ids.append(id)
                offsets.append(range)
            }
        }
        ids.append(sepID)
        offsets.append(0..<0)
        return WordPieceEncoding(ids: ids, offsets: offsets, untruncatedCount: count + 2)
    }

    /// The number of wordpieces in `text`, without `[CLS]`/`[SEP]` and without truncation: what a
    /// chunker measures against a budget of `maxLength - 2`.
    public func count(_ text: String) -> Int {
        var count = 0
        forEachToken(text) { _, _ in count += 1 }
        return count
    }

    /// Whether counts add up across `scalar`: for texts `a`, `b` and a non-empty run `s` of such
    /// scalars, `count(a + s + b) == count(a) + count(b)`. True for the whitespace the
    /// pre-tokenizer splits at (its cleaning drops VT, FF and NEL instead, joining their
    /// neighbours): every token lies inside one word, and a word's pieces depend on that word only.
    /// False for every scalar when a special token spans such whitespace.
    public func separatesWords(_ scalar: Unicode.Scalar) -> Bool {
        !specialsSpanWords && preTokenizer.separates(scalar)
    }

    /// The wordpieces of `text` with their ranges of original scalars, in order.
    public func forEachToken(_ text: String, _ body: (Int, Range<Int>) -> Void) {
        let scalars = Array(text.unicodeScalars)
        var words = BertPreTokenizer.Words()
        var pieces: [(id: Int, end: Int)] = []
        specials.split(scalars, text: { range in
            words.removeAll()
            preTokenizer.split(scalars, range, into: &words)
            for word in words.ranges {
                wordPieces(word, words, &pieces, body)
            }
        }, special: body)
    }

    /// Greedy longest-match-first over one word; a word with any piece missing from the vocabulary,
    /// or longer than `maxInputCharsPerWord`, becomes a single `[UNK]`.
    private func wordPieces(_ word: Range<Int>, _ words: BertPreTokenizer.Words,
                            _ pieces: inout [(id: Int, end: Int)], _ body: (Int, Range<Int>) -> Void) {
        let origins = words.origins
        let wordSpan = origins[word.lowerBound]..<(origins[word.upperBound - 1] + 1)
        guard word.count <= maxInputCharsPerWord else {
            body(unknownID, wordSpan)
            return
        }
        pieces.removeAll(keepingCapacity: true)
        var start = word.lowerBound
        while start < word.upperBound {
            let node = start == word.lowerBound ? VocabularyTrie.root : continuationNode
            guard let node, let match = trie.longestMatch(from: node, words.scalars, start, word.upperBound) else {
                body(unknownID, wordSpan)
                return
            }
            pieces.append(match)
            start = match.end
        }
        var pieceStart = word.lowerBound
        for piece in pieces {
            body(piece.id, origins[pieceStart]..<(origins[piece.end - 1] + 1))
            pieceStart = piece.end
        }
    }
}
