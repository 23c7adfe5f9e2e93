// Everything `generate` loads before the first prompt: the decoder's weights, its tokenizer, its
// chat template and the tokens that end a completion.

import Foundation
import ModelFiles
import TensorCore
import Tokenizers

/// A decoder with the text machinery that belongs to it, from one GGUF file (whose metadata holds
/// the tokenizer and template) or one Hugging Face folder (tokenizer.json, tokenizer_config.json).
public final class GenerationModel {
    public let model: LlamaModel
    public let tokenizer: ByteLevelBPETokenizer
    /// The model's own template (GGUF `tokenizer.chat_template`, tokenizer_config.json
    /// `chat_template`), or nil when it has none.
    public let chatTemplate: ChatTemplate?
    /// GGUF `tokenizer.ggml.add_bos_token`, tokenizer_config.json `add_bos_token`; false when unset,
    /// as for byte-level BPE vocabularies in llama.cpp.
    public let addBOS: Bool
    /// Tokens that end a completion: EOS and the end-of-turn tokens of the chat families.
    public let endTokens: Set<Int32>

    /// Control tokens that end generation when the vocabulary has them, besides EOS: the
    /// end-of-turn markers of the template families ChatTemplate knows, and `<|endoftext|>`
    /// (llama.cpp's end-of-generation list in llama-vocab.cpp names the same strings).
    static let endOfGenerationTexts = ["<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<end_of_turn>", "<|end|>",
                                       "<|endoftext|>", "</s>"]

    /// Loads `path` (a `.gguf` file or a folder with config.json and model.safetensors).
    public init(path: String) throws {
        let model = try LlamaModel.load(path: path)
        let tokenizer: ByteLevelBPETokenizer
        if let gguf = model.gguf {
            tokenizer = try GGUFTokenizer.tokenizer(gguf)
            chatTemplate = try GGUFTokenizer.chatTemplate(gguf, tokenizer: tokenizer)
            addBOS = gguf.bool("tokenizer.ggml.add_bos_token") ?? false
        } else {
            let folder = URL(fileURLWithPath: path)
            tokenizer = try ByteLevelBPETokenizer.load(folder: folder)
            let config = Self.tokenizerConfig(folder)
            if let jinja = config["chat_template"] as? String {
                let text = { (id: Int?) in id.map { tokenizer.tokens[$0] } ?? "" }
                chatTemplate = try ChatTemplate(jinja: jinja, bosToken: text(tokenizer.bosID), eosToken: text(tokenizer.eosID))
            } else {
                chatTemplate = nil
            }
            addBOS = config["add_bos_token"] as? Bool ?? false
        }
        var ends = Set(Self.endOfGenerationTexts.compactMap { tokenizer.id(of: $0) }.map(Int32.init))
        if let eos = tokenizer.eosID { ends.insert(Int32(eos)) }
        self.model = model
        self.tokenizer = tokenizer
        endTokens = ends
    }

    /// Attaches LoRA adapters (`--lora PATH[:SCALE]`, PEFT folders or GGUF LoRA files), each
    /// checked against the model's shapes, and with `merge` folds them into the weights
    /// (`--merge`). Call before making a session: its scratch is sized for the adapters' rank.
    public func attach(_ adapters: [LoRAAdapterSpec], merge: Bool) throws {
        for spec in adapters {
            model.attach(try LoRAAdapter.load(path: spec.path, for: model), scale: spec.scale)
        }
        if merge { model.mergeAdapters() }
    }

    /// tokenizer_config.json as a dictionary, empty when the folder has none or it is unreadable
    /// (the tokenizer loader has already reported a malformed one).
    private static func tokenizerConfig(_ folder: URL) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("tokenizer_config.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// Uses `n` threads for every later product (our kernels and OpenBLAS alike).
    public static func setThreads(_ n: Int) {
        Threads.set(n)
    }
}
