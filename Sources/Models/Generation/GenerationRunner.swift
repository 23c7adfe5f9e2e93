import LoragBasics
import Tokenizers

/// What `generate` does with every record, the same for all of them.
public struct GenerationSettings: Sendable, Equatable {
    public var sampling = SamplingParameters()
    public var maxTokens = 256
    public var stops: [String] = []
    /// Keep generating past end-of-sequence tokens (llama.cpp's `--ignore-eos`), for timing a
    /// fixed number of tokens.
    public var ignoreEndTokens = false
    /// Add `timings` to each output record.
    public var includeTimings = false

    public init() {}
}

/// `generate`'s work on one input record at a time, with no I/O: the executable reads lines,
/// hands each parsed request here, and writes what comes back.
///
/// Each record is two steps, so the caller can report the prompt (its notes about dropped hits,
/// `--verbose-prompt`) before the slow part: `prepare` builds the prompt, `complete` or `score`
/// runs the model. Every completion starts from an empty cache, so records do not influence each
/// other and the output depends only on the input.
public final class GenerationRunner {
    public let prompts: PromptBuilder
    public let settings: GenerationSettings
    public let generator: TextGenerator
    public let scorer: LikelihoodScorer
    private let tokenizer: ByteLevelBPETokenizer
    private let addBOS: Bool

    /// - Parameters:
    ///   - prompts: how requests become tokens (template, system message, RAG layout, context).
    ///   - endTokens: tokens that end a completion (ignored with `settings.ignoreEndTokens`).
    public init(session: any CausalLanguageModelSession, tokenizer: ByteLevelBPETokenizer, endTokens: Set<Int32>,
                addBOS: Bool, prompts: PromptBuilder, settings: GenerationSettings) {
        self.prompts = prompts
        self.settings = settings
        self.tokenizer = tokenizer
        self.addBOS = addBOS
        generator = TextGenerator(session: session, tokenizer: tokenizer,
                                  endTokens: settings.ignoreEndTokens ? [] : endTokens)
        scorer = LikelihoodScorer(session: session)
    }

    /// The tokens the model will read for `request`, the sources it cites, and notes about what
    /// was left out to fit the context.
    public func prepare(_ request: GenerationRequest) throws -> BuiltPrompt {
        try prompts.build(request)
    }

    /// The prompt as text, special tokens included (`--verbose-prompt`).
    public func text(of prompt: BuiltPrompt) -> String {
        tokenizer.decode(prompt.tokens.map(Int.init))
    }

    /// Generates the completion of a prepared request and returns its output record.
    /// - Parameters:
    ///   - number: the record's 1-based position in the input, its `id` when it has none.
    ///   - onText: receives the completion as it is produced (for `--stream`).
    public func complete(_ request: GenerationRequest, prepared: BuiltPrompt, number: Int,
                         onText: (String) throws -> Void = { _ in }) throws -> JSONObject {
        let completion = try generator.generate(prompt: prepared.tokens, parameters: settings.sampling,
                                                maxTokens: settings.maxTokens, stops: settings.stops, onText: onText)
        var record = CompletionRecord.make(request: request, number: number, completion: completion,
                                           sources: prepared.sources)
        if settings.includeTimings { record["timings"] = .object(generator.lastTimings.json) }
        return record
    }

    /// `--score` of a `{"prompt", "completion"}` record: how likely the model finds the
    /// completion after the prepared prompt.
    public func score(_ request: GenerationRequest, prepared: BuiltPrompt, number: Int) throws -> JSONObject {
        guard let completion = request.completion else {
            throw GenerationError.badRecord("--score needs a string \"completion\" to score after the prompt")
        }
        // The completion is text the model would write, so special-token names in it are text too.
        let completionTokens = tokenizer.encode(completion, parseSpecial: false).map(Int32.init)
        let score = try scorer.score(prompt: prepared.tokens, completion: completionTokens)
        return try CompletionRecord.make(request: request, number: number, score: score,
                                         promptTokens: prepared.tokens.count)
    }

    /// `--score` of a whole text file by llama-perplexity's method (see
    /// `LikelihoodScorer.perplexity`): tokenised as llama.cpp's perplexity program does (special
    /// tokens not parsed, BOS only when the model adds one), cut into windows of `windowSize`.
    /// - Parameter file: the name printed in the record.
    public func perplexity(ofText text: String, file: String, windowSize: Int,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> JSONObject {
        var tokens = tokenizer.encode(text, parseSpecial: false).map(Int32.init)
        let bos = addBOS ? tokenizer.bosID.map(Int32.init) : nil
        if let bos { tokens.insert(bos, at: 0) }
        let score = try scorer.perplexity(of: tokens, windowSize: windowSize, bos: bos, progress: progress)
        return try CompletionRecord.make(file: file, score: score, windowSize: windowSize)
    }
}
