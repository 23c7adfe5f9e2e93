import Foundation
import ModelFiles
import Testing

/// The tokenizer arrays of a GGUF file for the golden BPE tests, read through ModelFiles' reader.
struct GGUFVocabulary {
    var tokens: [String]
    var merges: [String]
    var tokenTypes: [Int32]
    var bosID: Int?
    var eosID: Int?
    var pre: String
    var chatTemplate: String

    init(_ url: URL) throws {
        let gguf = try GGUFFile(path: url.path)
        tokens = try #require(gguf.strings("tokenizer.ggml.tokens"), "\(url.path): no tokenizer.ggml.tokens")
        merges = try #require(gguf.strings("tokenizer.ggml.merges"), "\(url.path): no tokenizer.ggml.merges")
        tokenTypes = (gguf.ints("tokenizer.ggml.token_type") ?? []).map { Int32($0) }
        bosID = gguf.int("tokenizer.ggml.bos_token_id")
        eosID = gguf.int("tokenizer.ggml.eos_token_id")
        pre = gguf.string("tokenizer.ggml.pre") ?? ""
        chatTemplate = gguf.string("tokenizer.chat_template") ?? ""
    }
}
