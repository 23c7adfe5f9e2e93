import Tokenizers

/// Why generation ended, as OpenAI's API and DESIGN.md's record spell it.
public enum FinishReason: String, Sendable {
    /// An end-of-sequence token or a stop string.
    case stop
    /// `--max-tokens` reached, or the context is full.
    case length
}

/// One completion: its text (without the stop string or end-of-sequence token), token counts
/// and why it ended.
public struct Completion: Sendable, Equatable {
    public var text: String
    public var promptTokens: Int
    /// Tokens sampled, the end-of-sequence token excluded.
    public var completionTokens: Int
    public var finishReason: FinishReason

    public init(text: String, promptTokens: Int, completionTokens: Int, finishReason: FinishReason) {
        self.text = text
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
    }
}

/// The generation loop: prefill the prompt, then sample, decode, check for stops, and feed each
/// token back, until an end-of-sequence token, a stop string, `maxTokens`, or a full context.
public final class TextGenerator {
    public let session: any CausalLanguageModelSession
    public let tokenizer: ByteLevelBPETokenizer
    /// Tokens that end a completion (the model's EOS, a chat template's end-of-turn).
    public let endTokens: Set<Int32>
    /// Where the time of the last `generate` call went (`generate --timings`).
    public private(set) var lastTimings = GenerationTimings()

    public init(session: any CausalLanguageModelSession, tokenizer: ByteLevelBPETokenizer, endTokens: Set<Int32>) {
        self.session = session
        self.tokenizer = tokenizer
        self.endTokens = endTokens
    }

    /// Generates a completion of `prompt` from an empty cache. `onText` receives the text as it
    /// becomes final (whole characters, never part of a stop string); the pieces add up to
    /// `Completion.text`.
    public func generate(prompt: [Int32], parameters: SamplingParameters, maxTokens: Int, stops: [String] = [],
                         onText: (String) throws -> Void = { _ in }) throws -> Completion {
        try parameters.validate()
        guard maxTokens >= 0 else {
            throw GenerationError.invalidSetting(name: "--max-tokens", value: "\(maxTokens)", expected: "an integer >= 0")
        }
        guard !prompt.isEmpty else { throw GenerationError.badRecord("the prompt is empty (no tokens)") }
        guard prompt.count < session.contextLength else {
            throw GenerationError.promptTooLong(tokens: prompt.count, contextLength: session.contextLength)
        }
        let sampler = TokenSampler(parameters: parameters, vocabularySize: session.vocabularySize)
        var decoder = StreamingDecoder(tokenizer, skipSpecial: true)
        var filter = StopStringFilter(stops: stops)
        var history = prompt
        history.reserveCapacity(prompt.count + maxTokens)
        var text = ""
        func emit(_ piece: String) throws {
            guard !piece.isEmpty else { return }
            text += piece
            try onText(piece)
        }

        var timings = GenerationTimings()
        var stopwatch = Stopwatch()
        session.reset()
        var logits = try session.append(prompt)
        timings.promptTokens = prompt.count
        timings.promptSeconds = stopwatch.lap()
        defer {
            timings.decodeSeconds = stopwatch.lap()
            lastTimings = timings
        }
        var generated = 0
        var reason = FinishReason.length
        while generated < maxTokens {
            let token = sampler.sample(logits, history: history[...])
            if endTokens.contains(token) {
                reason = .stop
                break
            }
            generated += 1
            history.append(token)
            try emit(filter.feed(decoder.append(Int(token))))
            if filter.stopped {
                reason = .stop
                break
            }
            // The last token needs no forward pass; prompt and completion together stay within
            // the context, so a full context ends the completion.
            guard generated < maxTokens, history.count < session.contextLength else { break }
            logits = try session.append([token])
            timings.decodedTokens += 1
        }
        if !filter.stopped {
            try emit(filter.feed(decoder.finish()))
            if !filter.stopped { try emit(filter.finish()) } else { reason = .stop }
        }
        return Completion(text: text, promptTokens: prompt.count, completionTokens: generated, finishReason: reason)
    }
}
