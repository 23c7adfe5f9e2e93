// The glue from a GGUF file's metadata to a tokenizer and a chat template.

import ModelFiles
import Tokenizers

/// Builds the tokenizer and chat template a GGUF file describes (llama.cpp's `tokenizer.*` keys).
public enum GGUFTokenizer {
    /// A byte-level BPE tokenizer from `tokenizer.ggml.tokens`, `merges`, `token_type`, the BOS/EOS
    /// ids and the pre-tokeniser named by `tokenizer.ggml.pre` (as llama.cpp reads them).
    public static func tokenizer(_ gguf: GGUFFile) throws -> ByteLevelBPETokenizer {
        let model = gguf.string("tokenizer.ggml.model") ?? ""
        guard model == "gpt2" else {
            throw ModelError.invalidSetting(file: gguf.path, key: "tokenizer.ggml.model", found: "'\(model)'",
                                            expected: "'gpt2' (byte-level BPE; SentencePiece vocabularies are not supported)")
        }
        guard let tokens = gguf.strings("tokenizer.ggml.tokens") else {
            throw ModelError.missingSetting(file: gguf.path, key: "tokenizer.ggml.tokens", expected: "an array of strings")
        }
        guard let merges = gguf.strings("tokenizer.ggml.merges") else {
            throw ModelError.missingSetting(file: gguf.path, key: "tokenizer.ggml.merges", expected: "an array of strings")
        }
        let types = (gguf.ints("tokenizer.ggml.token_type") ?? []).map { Int32(truncatingIfNeeded: $0) }
        let pre = try ByteLevelPreTokenizer(ggmlName: gguf.string("tokenizer.ggml.pre") ?? "gpt2")
        return try ByteLevelBPETokenizer(tokens: tokens, merges: merges, tokenTypes: types,
                                         bosID: gguf.int("tokenizer.ggml.bos_token_id"),
                                         eosID: gguf.int("tokenizer.ggml.eos_token_id"), preTokenizer: pre)
    }

    /// The chat template of `tokenizer.chat_template`, with the BOS/EOS strings it may insert, or
    /// nil when the file has none.
    public static func chatTemplate(_ gguf: GGUFFile, tokenizer: ByteLevelBPETokenizer) throws -> ChatTemplate? {
        guard let jinja = gguf.string("tokenizer.chat_template") else { return nil }
        func text(_ id: Int?) -> String {
            guard let id, id >= 0, id < tokenizer.tokens.count else { return "" }
            return tokenizer.tokens[id]
        }
        return try ChatTemplate(jinja: jinja, bosToken: text(tokenizer.bosID), eosToken: text(tokenizer.eosID))
    }
}
