import Foundation

/// One message of a conversation, in OpenAI's / Hugging Face's shape.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's chat template, recognised by what its Jinja text does rather than run by a Jinja
/// engine: each family below writes the layout its published templates produce. The family is
/// found from marker strings in the template (`tokenizer.chat_template` in GGUF,
/// `tokenizer_config.json` in Hugging Face folders); an unknown template is an error that tells
/// the user to name the family.
public struct ChatTemplate: Sendable, Equatable {
    public enum Family: String, Sendable, CaseIterable {
        /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen 2/2.5, many others).
        case chatml
        /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` (Llama 3.x).
        case llama3
        /// `[INST] user [/INST]assistant</s>`, system text before the first user message (Mistral Instruct).
        case mistral
        /// `<start_of_turn>user\ncontent<end_of_turn>\n`, assistant called `model`, system text
        /// before the first user message (Gemma).
        case gemma
        /// `<|role|>\ncontent<|end|>\n` (Phi-3).
        case phi3
    }

    public var family: Family
    /// Written first when the template writes `bos_token`, as the template would.
    public var bosToken: String
    /// Written after assistant turns by families that end them with `eos_token` (Mistral).
    public var eosToken: String
    /// The system message the template inserts when the conversation does not start with one
    /// (SmolLM2: "You are a helpful AI assistant named SmolLM, trained by Hugging Face").
    public var defaultSystemPrompt: String?
    /// Llama 3.1's system header: "Cutting Knowledge Date: ...\nToday Date: ...\n\n", always written.
    public var dateHeader: String?

    public init(family: Family, bosToken: String = "", eosToken: String = "",
                defaultSystemPrompt: String? = nil, dateHeader: String? = nil) {
        self.family = family
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.defaultSystemPrompt = defaultSystemPrompt
        self.dateHeader = dateHeader
    }

    /// The template named on the command line (`--chat-template NAME`).
    public init(named name: String, bosToken: String = "", eosToken: String = "") throws {
        guard let family = Family(rawValue: name.lowercased()) else {
            throw TokenizerError.unknownChatTemplateName(name: name, known: Family.allCases.map(\.rawValue))
        }
        self.init(family: family, bosToken: family == .chatml ? "" : bosToken, eosToken: eosToken)
    }

    /// Recognises the family of a Jinja chat template from its marker strings, and the fixed text
    /// it inserts (a default system prompt, Llama 3.1's dates, a leading `bos_token`).
    public init(jinja: String, bosToken: String = "", eosToken: String = "") throws {
        let family: Family
        if jinja.contains("<|im_start|>") {
            family = .chatml
        } else if jinja.contains("<|start_header_id|>") {
            family = .llama3
        } else if jinja.contains("<start_of_turn>") {
            family = .gemma
        } else if jinja.contains("[INST]") {
            family = .mistral
        } else if jinja.contains("<|user|>") || (jinja.contains("<|end|>") && jinja.contains("'<|' + message['role']")) {
            family = .phi3
        } else {
            throw TokenizerError.unknownChatTemplate(excerpt: String(jinja.prefix(60)),
                                                     known: Family.allCases.map(\.rawValue))
        }
        self.init(family: family, bosToken: jinja.contains("bos_token") ? bosToken : "", eosToken: eosToken)
        if family == .chatml {
            defaultSystemPrompt = Self.literal(in: jinja, after: "<|im_start|>system", before: "<|im_end|>")
        }
        if family == .llama3 && jinja.contains("Cutting Knowledge Date") {
            let knowledge = Self.literal(in: jinja, after: "Cutting Knowledge Date:", before: "\"") ?? " December 2023"
            // The template's default `date_string` (Llama 3.1: "26 Jul 2024"); templates that ask
            // for today's date get this fixed one too, so that output depends only on input.
            let today = Self.literal(in: jinja, after: "date_string = \"", before: "\"") ?? "26 Jul 2024"
            dateHeader = "Cutting Knowledge Date:\(knowledge.hasSuffix("\n") ? String(knowledge.dropLast()) : knowledge)\n"
                + "Today Date: \(today)\n\n"
        }
    }

    /// The prompt text for `messages`, ending with the opening of an assistant turn when
    /// `addGenerationPrompt`. Special tokens in the result are meant to be parsed as such.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        var out = bosToken
        switch family {
        case .chatml:
            if let defaultSystemPrompt, let first = messages.first, first.role != "system" {
                out += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }

        case .llama3:
            var rest = messages[...]
            if let dateHeader {
                var system = ""
                if let first = rest.first, first.role == "system" {
                    system = Self.trimmed(first.content)
                    rest = rest.dropFirst()
                }
                out += "<|start_header_id|>system<|end_header_id|>\n\n\(dateHeader)\(system)<|eot_id|>"
            }
            for m in rest { out += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(Self.trimmed(m.content))<|eot_id|>" }
            if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }

        case .mistral:
            for (i, m) in try Self.foldingSystem(messages, family: family).enumerated() {
                switch (m.role, i % 2) {
                case ("user", 0): out += "[INST] \(m.content) [/INST]"
                case ("assistant", 1): out += "\(m.content)\(eosToken)"
                default:
                    throw TokenizerError.invalidMessages(family: family.rawValue,
                        reason: "message \(i + 1) has role \"\(m.role)\"; expected user and assistant turns in turn, starting with user")
                }
            }

        case .gemma:
            for m in try Self.foldingSystem(messages, family: family) {
                let role = m.role == "assistant" ? "model" : m.role
                out += "<start_of_turn>\(role)\n\(Self.trimmed(m.content))<end_of_turn>\n"
            }
            if addGenerationPrompt { out += "<start_of_turn>model\n" }

        case .phi3:
            for m in messages { out += "<|\(m.role)|>\n\(m.content)<|end|>\n" }
            if addGenerationPrompt { out += "<|assistant|>\n" } else { out += eosToken }
        }
        return out
    }

    /// Families without a system turn put the system text before the first user message,
    /// separated by a blank line (Gemma 3's and Mistral's templates).
    private static func foldingSystem(_ messages: [ChatMessage], family: Family) throws -> [ChatMessage] {
        guard let first = messages.first, first.role == "system" else { return messages }
        var rest = Array(messages.dropFirst())
        guard !rest.isEmpty, rest[0].role == "user" else {
            throw TokenizerError.invalidMessages(family: family.rawValue, reason: "a system message must be followed by a user message")
        }
        rest[0].content = first.content + "\n\n" + rest[0].content
        return rest
    }

    /// Jinja's `| trim`: leading and trailing whitespace removed.
    private static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...last])
    }

    /// Fixed text in the template between `after` plus a line break and `before`: a string literal
    /// the template writes. Line breaks may be real or written `\n` inside a Jinja string; nil when
    /// the text between is not literal (holds Jinja expressions or quotes).
    private static func literal(in jinja: String, after: String, before: String) -> String? {
        guard let a = jinja.range(of: after) else { return nil }
        var rest = jinja[a.upperBound...]
        if rest.hasPrefix("\n") { rest = rest.dropFirst() } else if rest.hasPrefix("\\n") { rest = rest.dropFirst(2) }
        guard let b = rest.range(of: before) else { return nil }
        let text = String(rest[..<b.lowerBound])
        if text.contains("{") || text.contains("'") || text.contains("+") { return nil }
        return text.replacingOccurrences(of: "\\n", with: "\n")
    }
}
