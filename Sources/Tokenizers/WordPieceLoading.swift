import Foundation
import LoragBasics

/// Building a `WordPieceTokenizer` from the files of a Hugging Face / sentence-transformers folder.
extension WordPieceTokenizer {
    /// Loads `tokenizer.json` when the folder has one, else `vocab.txt` with `tokenizer_config.json`.
    /// The length limit follows sentence-transformers: `max_seq_length` from
    /// `sentence_bert_config.json`, else `model_max_length` from `tokenizer_config.json`, else 512.
    /// The truncation and padding written in `tokenizer.json` are ignored, as sentence-transformers
    /// ignores them.
    public static func load(folder: URL) throws -> WordPieceTokenizer {
        let fm = FileManager.default
        func optionalObject(_ name: String) throws -> JSONObject? {
            let url = folder.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { return nil }
            return try TokenizerJSON.object(TokenizerJSON.read(url), name: url.path)
        }
        let config = try optionalObject("tokenizer_config.json")
        let stConfig = try optionalObject("sentence_bert_config.json")
        let maxLength = stConfig?["max_seq_length"]?.intValue
            ?? config?["model_max_length"]?.intValue.flatMap { $0 > 0 && $0 < 1_000_000 ? $0 : nil }
            ?? 512

        let json = folder.appendingPathComponent("tokenizer.json")
        if fm.fileExists(atPath: json.path) {
            return try WordPieceTokenizer(tokenizerJSON: TokenizerJSON.read(json), name: json.path, maxLength: maxLength)
        }
        let vocab = folder.appendingPathComponent("vocab.txt")
        guard fm.fileExists(atPath: vocab.path) else {
            throw TokenizerError.unreadableFile(path: folder.path, reason: "no tokenizer.json or vocab.txt in the folder")
        }
        guard let text = String(data: try TokenizerJSON.read(vocab), encoding: .utf8) else {
            throw TokenizerError.unreadableFile(path: vocab.path, reason: "not UTF-8 text")
        }
        return try WordPieceTokenizer(vocabText: text, config: config ?? JSONObject(), name: vocab.path, maxLength: maxLength)
    }

    /// From the contents of a `tokenizer.json` whose model is WordPiece.
    public init(tokenizerJSON data: Data, name: String = "tokenizer.json", maxLength: Int = 512) throws {
        let root = try TokenizerJSON.object(data, name: name)
        guard let model = root["model"]?.objectValue else {
            throw TokenizerError.missingKey(file: name, key: "model", expected: "an object")
        }
        guard model["type"]?.stringValue == "WordPiece" else {
            throw TokenizerError.unsupported(file: name, what: "model type", found: model["type"]?.stringValue ?? "none",
                                             supported: "WordPiece")
        }
        guard let vocab = model["vocab"]?.objectValue else {
            throw TokenizerError.missingKey(file: name, key: "model.vocab", expected: "an object of token: id")
        }
        var byID: [String] = []
        for (token, value) in vocab {
            guard let id = value.intValue, id >= 0, id < 10_000_000 else {
                throw TokenizerError.missingKey(file: name, key: "model.vocab[\"\(token)\"]", expected: "a non-negative id")
            }
            if id >= byID.count { byID.append(contentsOf: repeatElement("", count: id + 1 - byID.count)) }
            byID[id] = token
        }
        let normalizer = root["normalizer"]?.objectValue ?? JSONObject()
        if let type = normalizer["type"]?.stringValue, type != "BertNormalizer" {
            throw TokenizerError.unsupported(file: name, what: "normalizer", found: type, supported: "BertNormalizer")
        }
        let lowercase = normalizer["lowercase"]?.boolValue ?? true
        let added = try TokenizerJSON.addedTokens(root, name: name).filter(\.special).map(\.content)
        let (cls, sep) = Self.classifierAndSeparator(root["post_processor"])
        try self.init(vocabulary: byID,
                      unknownToken: model["unk_token"]?.stringValue ?? "[UNK]",
                      clsToken: cls, sepToken: sep,
                      specialTokens: added,
                      lowercase: lowercase,
                      stripAccents: normalizer["strip_accents"]?.boolValue,
                      cleanText: normalizer["clean_text"]?.boolValue ?? true,
                      handleChineseChars: normalizer["handle_chinese_chars"]?.boolValue ?? true,
                      continuingSubwordPrefix: model["continuing_subword_prefix"]?.stringValue ?? "##",
                      maxInputCharsPerWord: model["max_input_chars_per_word"]?.intValue ?? 100,
                      maxLength: maxLength, source: name)
    }

    /// The tokens around a single sequence in the post-processor: `TemplateProcessing`'s
    /// `[CLS] $A [SEP]` or `BertProcessing`'s `cls`/`sep`; BERT's names when there is neither.
    private static func classifierAndSeparator(_ processor: JSONValue?) -> (String, String) {
        if let single = processor?["single"]?.arrayValue {
            let names = single.compactMap { $0["SpecialToken"]?["id"]?.stringValue }
            if names.count == 2 { return (names[0], names[1]) }
        }
        if let cls = processor?["cls"]?.arrayValue?.first?.stringValue,
           let sep = processor?["sep"]?.arrayValue?.first?.stringValue {
            return (cls, sep)
        }
        return ("[CLS]", "[SEP]")
    }

    /// From `vocab.txt` (one token per line, the id is the line number) and the options of
    /// `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`, the
    /// special token names), as `transformers` converts a slow BertTokenizer.
    public init(vocabText: String, config: JSONObject, name: String = "vocab.txt", maxLength: Int = 512) throws {
        var lines = vocabText.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        func token(_ key: String, _ fallback: String) -> String {
            TokenizerJSON.tokenName(config[key]) ?? fallback
        }
        let unk = token("unk_token", "[UNK]"), cls = token("cls_token", "[CLS]"), sep = token("sep_token", "[SEP]")
        let pad = token("pad_token", "[PAD]"), mask = token("mask_token", "[MASK]")
        var specials = [pad, unk, cls, sep, mask]
        specials += (config["additional_special_tokens"]?.arrayValue ?? []).compactMap(TokenizerJSON.tokenName)
        let present = Set(lines)
        try self.init(vocabulary: lines, unknownToken: unk, clsToken: cls, sepToken: sep, padToken: pad,
                      specialTokens: specials.filter { present.contains($0) },
                      lowercase: config["do_lower_case"]?.boolValue ?? true,
                      stripAccents: config["strip_accents"]?.boolValue,
                      handleChineseChars: config["tokenize_chinese_chars"]?.boolValue ?? true,
                      maxLength: maxLength, source: name)
    }
}
