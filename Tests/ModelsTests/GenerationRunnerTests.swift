import Foundation
import LoragBasics
import Models
import Testing

/// The record-by-record work of `generate` on a table session: what goes into each output
/// record, the two steps of a record, scoring, and `--ignore-eos`.
@Suite struct GenerationRunnerTests {
    /// "a" → "b" → "c" → EOS; plain prompts fed as written (no template), no BOS.
    static func runner(_ settings: GenerationSettings = GenerationSettings(), contextLength: Int = 64) throws -> GenerationRunner {
        let session = TableSession(next: [tok("a"): tok("b"), tok("b"): tok("c"), tok("c"): eosToken, eosToken: tok("a")],
                                   contextLength: contextLength)
        let tokenizer = try byteTokenizer()
        let prompts = PromptBuilder(tokenizer: tokenizer, chatTemplate: nil,
                                    ragTemplate: try RAGTemplate(text: "{context}|{question}", name: "t"),
                                    addBOS: false, contextLength: contextLength, reservedForCompletion: 8)
        return GenerationRunner(session: session, tokenizer: tokenizer, endTokens: [eosToken], addBOS: false,
                                prompts: prompts, settings: settings)
    }

    @Test func aCompletionRecordCarriesTheInputFieldsAndTheText() throws {
        let runner = try Self.runner()
        let request = try GenerationRequest.parse(line: #"{"prompt": "a", "meta": {"k": 1}}"#)
        var streamed = ""
        let record = try runner.complete(request, prepared: try runner.prepare(request), number: 3) { streamed += $0 }
        #expect(record["completion"] == .string("bc"))
        #expect(streamed == "bc")
        #expect(record["id"] == 3)
        #expect(record["meta"] == .object(["k": 1]))
        #expect(record["finish_reason"] == .string("stop"))
        #expect(record["timings"] == nil)
    }

    @Test func groundedRecordsCiteTheirSourcesAndTimingsAreOptIn() throws {
        var settings = GenerationSettings()
        settings.includeTimings = true
        settings.maxTokens = 1
        let runner = try Self.runner(settings)
        let request = try GenerationRequest.parse(line: #"{"query": "a", "hits": [{"id": "x", "text": "t"}]}"#)
        let prepared = try runner.prepare(request)
        #expect(runner.text(of: prepared) == "[1] (x) t|a")
        let record = try runner.complete(request, prepared: prepared, number: 1)
        #expect(record["sources"] == .array([.object(["citation": 1, "id": .string("x")])]))
        #expect(record["hits"] == nil)
        let timings = try #require(record["timings"]?.objectValue)
        #expect(timings["prompt_n"] == .number(JSONNumber(prepared.tokens.count)))
        #expect(timings["predicted_n"] == 0)  // one token, never fed back
    }

    @Test func ignoringEndTokensGeneratesExactlyMaxTokens() throws {
        var settings = GenerationSettings()
        settings.ignoreEndTokens = true
        settings.maxTokens = 6
        let runner = try Self.runner(settings)
        let request = GenerationRequest(content: .text("a"))
        let record = try runner.complete(request, prepared: try runner.prepare(request), number: 1)
        #expect(record["tokens"]?["completion"] == 6)
        #expect(record["finish_reason"] == .string("length"))
        #expect(record["completion"] == .string("bcabc"))  // the EOS in the middle decodes to nothing
    }

    @Test func scoringNeedsACompletion() throws {
        let runner = try Self.runner()
        let bare = GenerationRequest(content: .text("a"))
        #expect(throws: GenerationError.self) { try runner.score(bare, prepared: try runner.prepare(bare), number: 1) }
        let request = try GenerationRequest.parse(line: #"{"prompt": "a", "completion": "bc"}"#)
        let record = try runner.score(request, prepared: try runner.prepare(request), number: 1)
        // Both tokens are the table's favourite (10 above 257 others at 0): log p = -log(1 + 257 e^-10).
        let expected = -2 * log(1 + 257 * exp(-10.0))
        let found = try #require(record["log_likelihood"]?.doubleValue)
        #expect(abs(found - expected) < 1e-9)
    }
}
