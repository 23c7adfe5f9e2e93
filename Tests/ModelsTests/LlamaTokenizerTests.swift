import Foundation
import ModelFiles
import Models
import Testing
import Tokenizers

/// The GGUF → tokenizer and chat template glue, against the reference token ids.
@Suite struct LlamaTokenizerTests {
    struct TokenizeRow: Decodable {
        var id: Int
        var text: String
        var ids_digits_split: [Int]
    }

    /// The 71 reference strings give SmolLM2's own ids (digits split, as upstream and llama.cpp).
    @Test func tokenizerFromGGUFMatchesReferenceIDs() throws {
        let gguf = try GGUFFile(path: LlamaTestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf").path)
        let tokenizer = try GGUFTokenizer.tokenizer(gguf)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && tokenizer.preTokenizer == .smollm)
        let rows = try LlamaTestFiles.jsonl("smollm2_tokenize_digits_split.jsonl", as: TokenizeRow.self)
        try #require(rows.count == 71)
        for row in rows {
            #expect(tokenizer.encode(row.text) == row.ids_digits_split, "string \(row.id): \(row.text.debugDescription)")
        }
    }

    /// The GGUF's chat template renders the chat prompts to the reference text and ids.
    @Test func chatTemplateFromGGUFRendersReferencePrompts() throws {
        let gguf = try GGUFFile(path: LlamaTestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf").path)
        let tokenizer = try GGUFTokenizer.tokenizer(gguf)
        let template = try #require(try GGUFTokenizer.chatTemplate(gguf, tokenizer: tokenizer))
        let chats = try LlamaTestFiles.jsonl("smollm2_prompts_greedy.jsonl", as: GreedyRow.self).filter { $0.messages != nil }
        try #require(chats.count == 4)
        for row in chats {
            let messages = (row.messages ?? []).map { ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "") }
            let text = try template.render(messages)
            #expect(text == row.text, "prompt \(row.id)")
            #expect(tokenizer.encode(text).map(Int32.init) == row.input_ids, "prompt \(row.id)")
        }
    }
}
