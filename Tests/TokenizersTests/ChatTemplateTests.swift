import Foundation
import Testing
import Tokenizers

@Suite struct ChatTemplateTests {
    static func smolLMTemplate() throws -> ChatTemplate {
        let jinja = try String(contentsOf: TestFiles.fixture("smollm2_chat_template.jinja"), encoding: .utf8)
        return try ChatTemplate(jinja: jinja)
    }

    /// SmolLM2's own template (from its GGUF) renders the reference chat prompts exactly, with the
    /// default system prompt inserted when the first message is not a system one.
    @Test func smolLM2PromptsMatchTransformers() throws {
        let template = try Self.smolLMTemplate()
        #expect(template.family == .chatml)
        #expect(template.defaultSystemPrompt == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let rows = try TestFiles.jsonl("smollm2_chat_prompts.jsonl", as: ChatPromptRow.self)
        try #require(rows.count == 4)
        for row in rows {
            let messages = row.messages.map { ChatMessage(role: $0.role, content: $0.content) }
            #expect(try template.render(messages, addGenerationPrompt: true) == row.text, "prompt \(row.id)")
        }
    }

    /// Rendered and tokenised with control tokens parsed, the prompts are the reference ids.
    @Test func smolLM2PromptIDs() throws {
        let template = try Self.smolLMTemplate()
        let tokenizer = try ByteLevelBPETokenizerTests.smolLM()
        for row in try TestFiles.jsonl("smollm2_chat_prompts.jsonl", as: ChatPromptRow.self) {
            let messages = row.messages.map { ChatMessage(role: $0.role, content: $0.content) }
            #expect(tokenizer.encode(try template.render(messages)) == row.input_ids, "prompt \(row.id)")
        }
    }

    static let conversation = [
        ChatMessage(role: "system", content: "Be brief."),
        ChatMessage(role: "user", content: " Hi "),
        ChatMessage(role: "assistant", content: "Hello."),
        ChatMessage(role: "user", content: "Bye"),
    ]

    // The other families, from marker strings of their published templates, checked against the
    // text those templates produce (worked out by hand from the Jinja).
    @Test func llama3() throws {
        let jinja = "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
            + " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
        let template = try ChatTemplate(jinja: jinja, bosToken: "<|begin_of_text|>")
        #expect(template.family == .llama3)
        #expect(try template.render(Self.conversation) == "<|begin_of_text|>"
            + "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func llama31DateHeader() throws {
        let jinja = "{{- bos_token }}{%- if not date_string is defined %}{%- set date_string = \"26 Jul 2024\" %}{%- endif %}"
            + "{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}"
            + "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}"
        let template = try ChatTemplate(jinja: jinja, bosToken: "<|begin_of_text|>")
        #expect(try template.render([ChatMessage(role: "user", content: "Hi")]) == "<|begin_of_text|>"
            + "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    @Test func mistral() throws {
        let template = try ChatTemplate(jinja: "{{ bos_token }}{% for message in messages %}{{ '[INST] ' + message['content'] + ' [/INST]' }}",
                                        bosToken: "<s>", eosToken: "</s>")
        #expect(template.family == .mistral)
        #expect(try template.render(Self.conversation) == "<s>[INST] Be brief.\n\n Hi  [/INST]Hello.</s>[INST] Bye [/INST]")
        #expect(throws: TokenizerError.self) {
            try template.render([ChatMessage(role: "assistant", content: "x")])
        }
    }

    @Test func gemma() throws {
        let template = try ChatTemplate(jinja: "{{ bos_token }}{{ '<start_of_turn>' + role + '\\n' }}", bosToken: "<bos>")
        #expect(template.family == .gemma)
        #expect(try template.render(Self.conversation) == "<bos><start_of_turn>user\nBe brief.\n\n Hi<end_of_turn>\n"
            + "<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n")
    }

    @Test func phi3() throws {
        let template = try ChatTemplate(jinja: "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}")
        #expect(template.family == .phi3)
        #expect(try template.render(Array(Self.conversation.prefix(2))) == "<|system|>\nBe brief.<|end|>\n<|user|>\n Hi <|end|>\n<|assistant|>\n")
    }

    @Test func unknownTemplateSuggestsNamingTheFamily() throws {
        let error = try #require(throws: TokenizerError.self) { try ChatTemplate(jinja: "{{ messages | tojson }}") }
        #expect(error.description.contains("--chat-template NAME"))
        #expect(try ChatTemplate(named: "ChatML").family == .chatml)
        #expect(throws: TokenizerError.self) { try ChatTemplate(named: "vicuna") }
    }
}
