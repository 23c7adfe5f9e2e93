import Testing
import Models

@Suite struct GenerationLoopTests {
    @Test func endOfSequenceStopsAndIsNotCounted() throws {
        let session = TableSession(next: [tok("a"): tok("b"), tok("b"): tok("c"), tok("c"): eosToken])
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        var streamed: [String] = []
        let out = try generator.generate(prompt: [tok("x"), tok("a")], parameters: SamplingParameters(), maxTokens: 10) {
            streamed.append($0)
        }
        #expect(out == Completion(text: "bc", promptTokens: 2, completionTokens: 2, finishReason: .stop))
        #expect(streamed == ["b", "c"])
        // Prefill, then one forward pass per generated token.
        #expect(session.appendCalls == 3)
    }

    @Test func maxTokensEndsWithLengthAndSkipsTheLastForwardPass() throws {
        let session = TableSession(next: [tok("a"): tok("a")])
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        let out = try generator.generate(prompt: [tok("a")], parameters: SamplingParameters(), maxTokens: 5)
        #expect(out == Completion(text: "aaaaa", promptTokens: 1, completionTokens: 5, finishReason: .length))
        #expect(session.appendCalls == 5)
        #expect(session.tokens.count == 5)
    }

    @Test func aFullContextEndsWithLength() throws {
        let session = TableSession(next: [tok("a"): tok("a")], contextLength: 8)
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        let out = try generator.generate(prompt: [tok("a"), tok("a"), tok("a")], parameters: SamplingParameters(), maxTokens: 100)
        #expect(out.finishReason == .length)
        #expect(out.promptTokens + out.completionTokens == 8)
        let tooLong = [Int32](repeating: tok("a"), count: 8)
        #expect(throws: GenerationError.promptTooLong(tokens: 8, contextLength: 8)) {
            try generator.generate(prompt: tooLong, parameters: SamplingParameters(), maxTokens: 1)
        }
    }

    @Test func stopStringAcrossTokensIsCutAndNotStreamed() throws {
        // "x" → "y" → "<" → "/" → "s" → ">" → "z" ...
        let chain = Array("y</s>z")
        var next: [Int32: Int32] = [tok("x"): tok("y")]
        for (a, b) in zip(chain, chain.dropFirst()) { next[tok(a)] = tok(b) }
        let session = TableSession(next: next)
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        var streamed = ""
        let out = try generator.generate(prompt: [tok("x")], parameters: SamplingParameters(), maxTokens: 20,
                                         stops: ["</s>"]) { streamed += $0 }
        #expect(out.text == "y")
        #expect(streamed == "y")
        #expect(out.finishReason == .stop)
        #expect(out.completionTokens == 5)
    }

    @Test func multibyteCharactersAreStreamedWhole() throws {
        // "é" is two byte tokens, 0xC3 0xA9: the first alone must not be shown as U+FFFD.
        let session = TableSession(next: [tok("a"): 0xC3, 0xC3: 0xA9, 0xA9: eosToken])
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        var pieces: [String] = []
        let out = try generator.generate(prompt: [tok("a")], parameters: SamplingParameters(), maxTokens: 10) {
            pieces.append($0)
        }
        #expect(out.text == "é")
        #expect(pieces == ["é"])
    }

    @Test func aSeedReproducesSampledOutputExactly() throws {
        // Flat logits over the letters a-z: every draw is a real choice.
        let letters = (Character("a").asciiValue!...Character("z").asciiValue!).map(Int32.init)
        let session = TableSession { _ in
            var row = [Float](repeating: -.infinity, count: 258)
            for l in letters { row[Int(l)] = 0 }
            return row
        }
        let generator = TextGenerator(session: session, tokenizer: try byteTokenizer(), endTokens: [eosToken])
        var p = SamplingParameters()
        p.temperature = 0.9
        p.topK = 0
        p.minP = 0
        p.seed = 2024
        let first = try generator.generate(prompt: [tok("a")], parameters: p, maxTokens: 30)
        let second = try generator.generate(prompt: [tok("a")], parameters: p, maxTokens: 30)
        p.seed = 2025
        let other = try generator.generate(prompt: [tok("a")], parameters: p, maxTokens: 30)
        #expect(first == second)
        #expect(first.text.count == 30)
        #expect(first.text != other.text)
    }
}
