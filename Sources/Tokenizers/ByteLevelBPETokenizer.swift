import Foundation

/// Byte-level BPE as GPT-2 introduced it and SmolLM2, Llama 3 and Qwen 2 use it: text is split
/// into words by a pre-tokeniser, each word's UTF-8 bytes become single-byte tokens, and merge
/// rules are applied lowest rank first until none applies. Special tokens written in the text are
/// matched first and never enter BPE.
///
/// Token strings use GPT-2's byte alphabet (`Ġ` is the space byte); control and user-defined
/// tokens are literal text.
public struct ByteLevelBPETokenizer: Sendable {
    /// GGUF's `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`).
    public enum TokenType: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public let tokens: [String]
    public let tokenTypes: [TokenType]
    public let bosID: Int?
    public let eosID: Int?
    public let preTokenizer: ByteLevelPreTokenizer

    /// A merge rule's rank (priority, lower first) and the id of the merged token.
    private struct Merge: Sendable {
        var rank: Int32
        var id: Int32
    }

    private let merges: [UInt64: Merge]
    private let byteTokenIDs: [Int]
    /// Whole words found in the vocabulary skip the merges (Llama 3's `ignore_merges`).
    private let ignoreMerges: Bool
    private let idsByToken: [String: Int]
    /// Control tokens, recognised in text only when asked to parse special tokens.
    private let controlMatcher: SpecialTokenMatcher
    /// Control and user-defined tokens; user-defined tokens are always recognised (as llama.cpp does).
    private let userMatcher: SpecialTokenMatcher
    /// The bytes each token decodes to, back to back; token `i` is `pieceBytes[pieceStarts[i]..<pieceStarts[i+1]]`.
    private let pieceBytes: [UInt8]
    private let pieceStarts: [Int]
    private let cache = BPEWordCache()

    /// - Parameters:
    ///   - tokens: token strings by id (GGUF `tokenizer.ggml.tokens`).
    ///   - merges: merge rules "left right", highest priority first (`tokenizer.ggml.merges`).
    ///   - tokenTypes: GGUF token types by id, or empty for all normal.
    ///   - ignoreMerges: look whole words up before merging (Llama 3); defaults by pre-tokeniser.
    public init(tokens: [String], merges: [String], tokenTypes: [Int32], bosID: Int?, eosID: Int?,
                preTokenizer: ByteLevelPreTokenizer, ignoreMerges: Bool? = nil) throws {
        guard tokenTypes.isEmpty || tokenTypes.count == tokens.count else {
            throw TokenizerError.lengthMismatch(what: "token types", expected: tokens.count, found: tokenTypes.count)
        }
        let types = tokenTypes.isEmpty
            ? Array(repeating: TokenType.normal, count: tokens.count)
            : tokenTypes.map { TokenType(rawValue: $0) ?? .undefined }
        var idsByToken: [String: Int] = [:]
        idsByToken.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where idsByToken[token] == nil { idsByToken[token] = id }

        // Vocabularies may lack bytes that never occur in UTF-8 (0xC0, 0xF5...) or in the training
        // text; -1 marks them.
        let byteTokenIDs = (0..<256).map { idsByToken[String(Character(ByteLevelAlphabet.scalar(UInt8($0))))] ?? -1 }

        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, rule) in merges.enumerated() {
            let parts = rule.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.badMerge(index: rank, rule: rule, reason: "expected two tokens separated by one space")
            }
            guard let left = idsByToken[String(parts[0])], let right = idsByToken[String(parts[1])],
                  let merged = idsByToken[String(parts[0]) + String(parts[1])] else {
                throw TokenizerError.badMerge(index: rank, rule: rule, reason: "a token or the merged token is not in the vocabulary")
            }
            let key = Self.pairKey(left, right)
            if table[key] == nil { table[key] = Merge(rank: Int32(rank), id: Int32(merged)) }
        }

        var pieceBytes: [UInt8] = []
        var pieceStarts = [0]
        pieceStarts.reserveCapacity(tokens.count + 1)
        for (id, token) in tokens.enumerated() {
            if types[id] == .control || types[id] == .userDefined {
                pieceBytes.append(contentsOf: token.utf8)
            } else {
                for s in token.unicodeScalars {
                    if let b = ByteLevelAlphabet.byte(s) { pieceBytes.append(b) } else { pieceBytes.append(contentsOf: String(s).utf8) }
                }
            }
            pieceStarts.append(pieceBytes.count)
        }

        func literals(_ wanted: Set<TokenType>) -> [(content: String, id: Int)] {
            tokens.indices.filter { wanted.contains(types[$0]) }.map { (tokens[$0], $0) }
        }
        self.tokens = tokens
        self.tokenTypes = types
        self.bosID = bosID
        self.eosID = eosID
        self.preTokenizer = preTokenizer
        self.merges = table
        self.byteTokenIDs = byteTokenIDs
        self.ignoreMerges = ignoreMerges ?? (preTokenizer == .llama3)
        self.idsByToken = idsByToken
        self.controlMatcher = SpecialTokenMatcher(literals([.control, .userDefined]))
        self.userMatcher = SpecialTokenMatcher(literals([.userDefined]))
        self.pieceBytes = pieceBytes
        self.pieceStarts = pieceStarts
    }

    /// The token id of a literal token string (`"<|im_end|>"`), if the vocabulary has it.
    public func id(of token: String) -> Int? { idsByToken[token] }

    /// The ids of `text`. With `parseSpecial`, control tokens written in the text (`<|im_start|>`)
    /// become their ids, as they must in a rendered chat template; without it they are tokenised
    /// as ordinary text, as user-supplied content should be. No BOS is added: callers prepend
    /// `bosID` when the model wants one.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var word: [UInt8] = []
        let matcher = parseSpecial ? controlMatcher : userMatcher
        matcher.split(scalars, text: { range in
            preTokenizer.split(scalars, range) { piece in
                word.removeAll(keepingCapacity: true)
                for i in piece { UTF8.encode(scalars[i]) { word.append($0) } }
                appendWord(word, to: &ids)
            }
        }, special: { id, _ in ids.append(id) })
        return ids
    }

    /// The text of `ids`. Control tokens are written out unless `skipSpecial`; bytes that do not
    /// form UTF-8 become U+FFFD.
    public func decode(_ ids: [Int], skipSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { appendBytes(of: id, to: &bytes, skipSpecial: skipSpecial) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes token `id` stands for; nothing for ids outside the vocabulary, and nothing for
    /// control tokens when `skipSpecial`.
    public func appendBytes(of id: Int, to bytes: inout [UInt8], skipSpecial: Bool = false) {
        guard id >= 0 && id < tokens.count else { return }
        if skipSpecial && tokenTypes[id] == .control { return }
        bytes.append(contentsOf: pieceBytes[pieceStarts[id]..<pieceStarts[id + 1]])
    }

    /// BPE over one pre-tokenised word (its UTF-8 bytes).
    private func appendWord(_ word: [UInt8], to ids: inout [Int]) {
        if let cached = cache[word] {
            ids.append(contentsOf: cached)
            return
        }
        if ignoreMerges {
            let alphabetic = String(String.UnicodeScalarView(word.map(ByteLevelAlphabet.scalar)))
            if let id = idsByToken[alphabetic], tokenTypes[id] != .control {
                cache[word] = [id]
                ids.append(id)
                return
            }
        }
        // A byte without a token is dropped, as Hugging Face's BPE does when it has no unknown
        // token and no byte fallback.
        var symbols = word.map { byteTokenIDs[Int($0)] }.filter { $0 >= 0 }
        // Merge the lowest-ranked adjacent pair, leftmost first, until no rule applies. Words are
        // short, so the quadratic scan beats a priority queue in practice.
        while symbols.count > 1 {
            var best = Merge(rank: .max, id: 0)
            var position = -1
            for i in 0..<(symbols.count - 1) {
                if let merge = merges[Self.pairKey(symbols[i], symbols[i + 1])], merge.rank < best.rank {
                    best = merge
                    position = i
                }
            }
            if position < 0 { break }
            symbols[position] = Int(best.id)
            symbols.remove(at: position + 1)
        }
        cache[word] = symbols
        ids.append(contentsOf: symbols)
    }

    @inline(__always)
    private static func pairKey(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
    }
}
