import Testing
import LoragBasics
import Models
import Tokenizers

@Suite struct GenerationPromptTests {
    @Test func inputShapesAreRecognised() throws {
        #expect(try GenerationRequest.parse(line: "plain words").content == .text("plain words"))
        #expect(try GenerationRequest.parse(line: #"{"prompt": "p", "meta": 1}"#).content == .text("p"))
        let chat = try GenerationRequest.parse(line: #"{"messages": [{"role": "user", "content": "hi"}]}"#)
        #expect(chat.content == .messages([ChatMessage(role: "user", content: "hi")]))
        let scored = try GenerationRequest.parse(line: #"{"prompt": "a", "completion": "b"}"#)
        #expect(scored.completion == "b")
        let rag = try GenerationRequest.parse(line: #"{"query": "q", "id": 3, "hits": [{"id": "d#1", "score": 0.5, "text": "T", "source": "d.md"}]}"#)
        guard case let .retrieved(query, hits) = rag.content else { Issue.record("not retrieved"); return }
        #expect(query == "q")
        #expect(hits.map(\.text) == ["T"])
        #expect(throws: GenerationError.self) { try GenerationRequest.parse(line: #"{"hits": []}"#) }
        #expect(throws: GenerationError.self) { try GenerationRequest.parse(line: #"{"other": 1}"#) }
        #expect(throws: GenerationError.self) { try GenerationRequest.parse(line: #"{"prompt": 5}"#) }
        #expect(throws: GenerationError.self) { try GenerationRequest.parse(line: #"{"prompt": "#) }
    }

    @Test func ragTemplateNumbersPassagesAndNeedsBothPlaceholders() throws {
        let template = try RAGTemplate(text: "C:\n{context}\nQ: {question} {literal}", name: "t.txt")
        let hits = [RetrievedHit(text: "one {question}", record: ["source": "a.md"]),
                    RetrievedHit(text: "two", record: ["id": "b#2"])]
        #expect(template.render(question: "why?", hits: hits[...]) == "C:\n[1] (a.md) one {question}\n\n[2] (b#2) two\nQ: why? {literal}")
        #expect(throws: GenerationError.self) { try RAGTemplate(text: "{context} only", name: "t.txt") }
    }

    private func builder(template: ChatTemplate?, contextLength: Int = 1000, reserved: Int = 0) throws -> PromptBuilder {
        PromptBuilder(tokenizer: try byteTokenizer(), chatTemplate: template, ragTemplate: try RAGTemplate(text: "{context}|{question}", name: "t"),
                      addBOS: true, contextLength: contextLength, reservedForCompletion: reserved)
    }

    @Test func rawPromptsGetBOSOnce() throws {
        let b = try builder(template: nil)
        #expect(try b.build(GenerationRequest(content: .text("hi"))).tokens == [bosToken, tok("h"), tok("i")])
        #expect(try b.build(GenerationRequest(content: .text("<bos>hi"))).tokens == [bosToken, tok("h"), tok("i")])
        #expect(throws: GenerationError.self) {
            try b.build(GenerationRequest(content: .messages([ChatMessage(role: "user", content: "x")])))
        }
    }

    @Test func chatTemplateAndSystemMessageAreApplied() throws {
        var b = try builder(template: ChatTemplate(family: .phi3))
        b.addBOS = false
        b.systemPrompt = "S"
        let ids = try b.build(GenerationRequest(content: .text("U"))).tokens
        #expect(try byteTokenizer().decode(ids.map(Int.init)) == "<|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\n")
    }

    @Test func hitsThatDoNotFitAreDroppedWithANoteAndSourcesKeepTheRest() throws {
        let hits = (1...3).map { i in
            RetrievedHit(text: String(repeating: "x", count: 10), record: ["id": .string("d#\(i)"), "score": "0.5", "text": "x", "meta": ["k": 1]])
        }
        let request = GenerationRequest(content: .retrieved(query: "q", hits: hits))
        // Each passage "[n] (d#n) xxxxxxxxxx" is 20 bytes (= tokens), joined by 2; the template
        // adds "|q" (2) and BOS (1). Two passages: 20 + 2 + 20 + 2 + 1 = 45 tokens.
        let roomy = try builder(template: nil).build(request)
        #expect(roomy.sources.count == 3)
        #expect(roomy.notes.isEmpty)
        let tight = try builder(template: nil, contextLength: 50, reserved: 5).build(request)
        #expect(tight.tokens.count == 45)
        #expect(tight.sources.map { $0["citation"] } == [JSONValue.number(JSONNumber(1)), .number(JSONNumber(2))])
        #expect(tight.sources[0]["text"] == nil)
        #expect(tight.sources[0]["meta"] == ["k": 1])
        #expect(tight.notes.count == 1)
        #expect(tight.notes[0].contains("dropped 1 of 3 hits (ids d#3)"))
        #expect(throws: GenerationError.self) { try builder(template: nil, contextLength: 5, reserved: 3).build(request) }
    }

    @Test func outputRecordPassesUnknownFieldsThrough() throws {
        let request = try GenerationRequest.parse(line: #"{"query": "q", "hits": [{"id": 1, "text": "t"}], "meta": {"tag": "x"}}"#)
        let record = CompletionRecord.make(request: request, number: 7,
                                           completion: Completion(text: "c", promptTokens: 12, completionTokens: 3, finishReason: .stop),
                                           sources: [["citation": 1, "id": 1]])
        #expect(record.serialized() == #"{"query":"q","meta":{"tag":"x"},"id":7,"prompt":"q","completion":"c","sources":[{"citation":1,"id":1}],"tokens":{"prompt":12,"completion":3},"finish_reason":"stop"}"#)
    }

    @Test func loraArgumentsParse() throws {
        #expect(try LoRAAdapterSpec(argument: "adapters/a") == LoRAAdapterSpec(path: "adapters/a", scale: 1))
        #expect(try LoRAAdapterSpec(argument: "a.gguf:0.5") == LoRAAdapterSpec(path: "a.gguf", scale: 0.5))
        #expect(try LoRAAdapterSpec(argument: "C:dir/x") == LoRAAdapterSpec(path: "C:dir/x", scale: 1))
        #expect(throws: GenerationError.self) { try LoRAAdapterSpec(argument: ":2") }
        #expect(throws: GenerationError.self) { try LoRAAdapterSpec(argument: "a:inf") }
    }
}
