import Foundation
import LoragBasics

/// Building a `ByteLevelBPETokenizer` from a Hugging Face `tokenizer.json`.
extension ByteLevelBPETokenizer {
    /// Llama 3's and Qwen 2's split expressions as their tokenizer.json files spell them.
    private static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    private static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Loads `tokenizer.json` from a folder, with the BOS/EOS token names of its
    /// `tokenizer_config.json` when there is one.
    public static func load(folder: URL) throws -> ByteLevelBPETokenizer {
        let config = folder.appendingPathComponent("tokenizer_config.json")
        var bos: String?, eos: String?
        if FileManager.default.fileExists(atPath: config.path) {
            let object = try TokenizerJSON.object(TokenizerJSON.read(config), name: config.path)
            bos = TokenizerJSON.tokenName(object["bos_token"])
            eos = TokenizerJSON.tokenName(object["eos_token"])
        }
        let json = folder.appendingPathComponent("tokenizer.json")
        return try ByteLevelBPETokenizer(tokenizerJSON: TokenizerJSON.read(json), name: json.path,
                                         bosToken: bos, eosToken: eos)
    }

    /// From the contents of a `tokenizer.json` whose model is byte-level BPE. Added tokens marked
    /// special behave as control tokens, the others as user-defined tokens (always matched).
    public init(tokenizerJSON data: Data, name: String = "tokenizer.json",
                bosToken: String? = nil, eosToken: String? = nil) throws {
        let root = try TokenizerJSON.object(data, name: name)
        guard let model = root["model"]?.objectValue, model["type"]?.stringValue == "BPE" else {
            throw TokenizerError.unsupported(file: name, what: "model type",
                                             found: root["model"]?["type"]?.stringValue ?? "none", supported: "BPE")
        }
        if model["byte_fallback"]?.boolValue == true {
            throw TokenizerError.unsupported(file: name, what: "BPE variant", found: "byte_fallback (SentencePiece-style)",
                                             supported: "byte-level BPE")
        }
        guard let vocab = model["vocab"]?.objectValue else {
            throw TokenizerError.missingKey(file: name, key: "model.vocab", expected: "an object of token: id")
        }
        var tokens: [String] = []
        func place(_ token: String, _ id: Int) throws {
            guard id >= 0 && id < 10_000_000 else {
                throw TokenizerError.missingKey(file: name, key: "id of \"\(token)\"", expected: "a non-negative id")
            }
            if id >= tokens.count { tokens.append(contentsOf: repeatElement("", count: id + 1 - tokens.count)) }
            tokens[id] = token
        }
        for (token, value) in vocab {
            guard let id = value.intValue else {
                throw TokenizerError.missingKey(file: name, key: "model.vocab[\"\(token)\"]", expected: "an integer id")
            }
            try place(token, id)
        }
        let added = try TokenizerJSON.addedTokens(root, name: name)
        for token in added { try place(token.content, token.id) }
        var types = [Int32](repeating: TokenType.normal.rawValue, count: tokens.count)
        for token in added { types[token.id] = (token.special ? TokenType.control : TokenType.userDefined).rawValue }

        // Merges are "left right" strings, or [left, right] pairs in newer files.
        guard let rawMerges = model["merges"]?.arrayValue else {
            throw TokenizerError.missingKey(file: name, key: "model.merges", expected: "an array")
        }
        let merges = try rawMerges.enumerated().map { index, rule -> String in
            if let s = rule.stringValue { return s }
            if let pair = rule.arrayValue?.compactMap(\.stringValue), pair.count == 2, rule.arrayValue?.count == 2 {
                return pair[0] + " " + pair[1]
            }
            throw TokenizerError.badMerge(index: index, rule: rule.serialized(), reason: "expected \"left right\" or [left, right]")
        }
        let ids = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        try self.init(tokens: tokens, merges: merges, tokenTypes: types,
                      bosID: bosToken.flatMap { ids[$0] }, eosID: eosToken.flatMap { ids[$0] },
                      preTokenizer: Self.preTokenizer(root["pre_tokenizer"]?.objectValue, name: name),
                      ignoreMerges: model["ignore_merges"]?.boolValue ?? false)
    }

    /// The pre-tokeniser a tokenizer.json describes, recognised by its exact shape.
    private static func preTokenizer(_ object: JSONObject?, name: String) throws -> ByteLevelPreTokenizer {
        let steps = object?["pretokenizers"]?.arrayValue?.compactMap(\.objectValue) ?? (object.map { [$0] } ?? [])
        let types = steps.map { $0["type"]?.stringValue ?? "" }
        func usesRegex(_ step: JSONObject) -> Bool { step["use_regex"]?.boolValue ?? true }
        if types == ["ByteLevel"], usesRegex(steps[0]) { return .gpt2 }
        if types == ["Digits", "ByteLevel"], steps[0]["individual_digits"]?.boolValue == true, usesRegex(steps[1]) {
            return .smollm
        }
        if types == ["Split", "ByteLevel"], !usesRegex(steps[1]),
           let pattern = steps[0]["pattern"]?["Regex"]?.stringValue {
            if pattern == llama3Pattern { return .llama3 }
            if pattern == qwen2Pattern { return .qwen2 }
        }
        throw TokenizerError.unsupported(file: name, what: "pre_tokenizer", found: types.joined(separator: "+"),
                                         supported: "ByteLevel (GPT-2), Digits+ByteLevel (SmolLM), Llama 3 or Qwen 2 Split+ByteLevel")
    }
}
