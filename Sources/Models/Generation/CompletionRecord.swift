import LoragBasics

/// The output records of `generate` (DESIGN.md): the input's fields passed through, then
/// `id`, `prompt`, `completion`, `sources`, `tokens` and `finish_reason` (or the scores).
public enum CompletionRecord {
    /// - Parameter number: the input's 1-based record number, the `id` when the input has none.
    public static func make(request: GenerationRequest, number: Int, completion: Completion,
                            sources: [JSONObject]) -> JSONObject {
        var out = base(request: request, number: number)
        out["completion"] = .string(completion.text)
        out["sources"] = .array(sources.map(JSONValue.object))
        out["tokens"] = .object(["prompt": .number(JSONNumber(completion.promptTokens)),
                                 "completion": .number(JSONNumber(completion.completionTokens))])
        out["finish_reason"] = .string(completion.finishReason.rawValue)
        return out
    }

    /// The record of `--score` for a `{"prompt", "completion"}` input.
    public static func make(request: GenerationRequest, number: Int, score: LikelihoodScore,
                            promptTokens: Int) throws -> JSONObject {
        var out = base(request: request, number: number)
        out["tokens"] = .object(["prompt": .number(JSONNumber(promptTokens)),
                                 "completion": .number(JSONNumber(score.tokenCount))])
        try add(score, to: &out)
        return out
    }

    /// The record of `--score` for a text file.
    public static func make(file: String, score: LikelihoodScore, windowSize: Int) throws -> JSONObject {
        var out: JSONObject = ["file": .string(file),
                               "ctx_size": .number(JSONNumber(windowSize)),
                               "chunks": .number(JSONNumber(score.chunks)),
                               "tokens": .number(JSONNumber(score.tokenCount))]
        try add(score, to: &out)
        return out
    }

    private static func base(request: GenerationRequest, number: Int) -> JSONObject {
        var out = request.record
        // The hits are consumed: what the prompt cites comes back as `sources`.
        out["hits"] = nil
        if out["id"] == nil { out["id"] = .number(JSONNumber(number)) }
        out["prompt"] = .string(request.promptText)
        return out
    }

    private static func add(_ score: LikelihoodScore, to out: inout JSONObject) throws {
        out["log_likelihood"] = .number(try JSONNumber(score.logLikelihood))
        out["perplexity"] = .number(try JSONNumber(score.perplexity))
        out["perplexity_error"] = .number(try JSONNumber(score.perplexityError))
    }
}
