import LoragBasics
import Tokenizers

/// A request turned into the tokens the model reads.
public struct BuiltPrompt: Sendable, Equatable {
    public var tokens: [Int32]
    /// The hits the prompt cites, numbered as in the prompt (`citation`), without their text.
    public var sources: [JSONObject]
    /// What was left out to fit the context, for a note on stderr (never dropped silently).
    public var notes: [String]
}

/// Formats requests as model input: the chat template (or none, `--raw`), a system message, and
/// for retrieved records a grounded prompt fitted to the context window.
public struct PromptBuilder: Sendable {
    public var tokenizer: ByteLevelBPETokenizer
    /// nil: the prompt text is fed as written (`--raw`).
    public var chatTemplate: ChatTemplate?
    public var systemPrompt: String?
    public var ragTemplate: RAGTemplate
    /// Prepend the tokenizer's BOS (GGUF `tokenizer.ggml.add_bos_token`) unless already there.
    public var addBOS: Bool
    /// The prompt must leave this many positions free for the completion.
    public var contextLength: Int
    public var reservedForCompletion: Int

    public init(tokenizer: ByteLevelBPETokenizer, chatTemplate: ChatTemplate?, systemPrompt: String? = nil,
                ragTemplate: RAGTemplate = .standard, addBOS: Bool, contextLength: Int, reservedForCompletion: Int) {
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.systemPrompt = systemPrompt
        self.ragTemplate = ragTemplate
        self.addBOS = addBOS
        self.contextLength = contextLength
        self.reservedForCompletion = reservedForCompletion
    }

    public func build(_ request: GenerationRequest) throws -> BuiltPrompt {
        switch request.content {
        case let .text(text):
            return BuiltPrompt(tokens: try tokens(forUserText: text), sources: [], notes: [])
        case let .messages(messages):
            guard let chatTemplate else {
                throw GenerationError.badRecord("a \"messages\" record needs a chat template; leave out --raw")
            }
            var all = messages
            if let systemPrompt, messages.first?.role != "system" {
                all.insert(ChatMessage(role: "system", content: systemPrompt), at: 0)
            }
            return BuiltPrompt(tokens: encode(try chatTemplate.render(all)), sources: [], notes: [])
        case let .retrieved(query, hits):
            return try grounded(query: query, hits: hits)
        }
    }

    /// The prompt with as many hits, best first, as fit in the context less the completion's room.
    private func grounded(query: String, hits: [RetrievedHit]) throws -> BuiltPrompt {
        let budget = contextLength - reservedForCompletion
        var kept = hits.count
        var ids = try tokens(forUserText: ragTemplate.render(question: query, hits: hits[..<kept]))
        while ids.count > budget && kept > 0 {
            kept -= 1
            ids = try tokens(forUserText: ragTemplate.render(question: query, hits: hits[..<kept]))
        }
        guard ids.count <= budget else {
            throw GenerationError.promptTooLong(tokens: ids.count + reservedForCompletion, contextLength: contextLength)
        }
        var notes: [String] = []
        if kept < hits.count {
            let names = hits[kept...].map { $0.record["id"].map { $0.stringValue ?? $0.serialized() } ?? "?" }
            notes.append("dropped \(hits.count - kept) of \(hits.count) hits (ids \(names.joined(separator: ", "))) "
                + "to fit the context of \(contextLength) tokens with \(reservedForCompletion) for the completion")
        }
        let sources = hits[..<kept].enumerated().map { number, hit -> JSONObject in
            var source: JSONObject = ["citation": .number(JSONNumber(number + 1))]
            for (key, value) in hit.record where key != "text" && key != "citation" { source[key] = value }
            return source
        }
        return BuiltPrompt(tokens: ids, sources: sources, notes: notes)
    }

    private func tokens(forUserText text: String) throws -> [Int32] {
        guard let chatTemplate else { return encode(text) }
        var messages = [ChatMessage(role: "user", content: text)]
        if let systemPrompt { messages.insert(ChatMessage(role: "system", content: systemPrompt), at: 0) }
        return encode(try chatTemplate.render(messages))
    }

    /// Special tokens are parsed: a rendered template writes them as text, and a raw prompt may
    /// hold them on purpose (as llama.cpp's completion program does).
    private func encode(_ text: String) -> [Int32] {
        var ids = tokenizer.encode(text, parseSpecial: true).map(Int32.init)
        if addBOS, let bos = tokenizer.bosID, ids.first != Int32(bos) { ids.insert(Int32(bos), at: 0) }
        return ids
    }
}
