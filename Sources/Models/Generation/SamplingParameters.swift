/// How the next token is chosen from the logits. Defaults are llama.cpp's (top-k 40, top-p 0.95,
/// min-p 0.05, repetition penalty off over the last 64 tokens) except the temperature: 0 (greedy)
/// so that output depends only on input unless the user asks for sampling.
public struct SamplingParameters: Sendable, Equatable {
    /// 0 picks the most likely token (greedy); above 0 divides the logits before sampling.
    public var temperature: Float = 0
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int = 40
    /// Keep the smallest set of most likely tokens whose probability adds up to at least p; 1 keeps all.
    public var topP: Float = 0.95
    /// Drop tokens less likely than min-p times the most likely one; 0 keeps all.
    public var minP: Float = 0.05
    /// CTRL's repetition penalty (Keskar et al. 2019, as transformers and llama.cpp apply it):
    /// positive logits of recent tokens are divided by it, negative ones multiplied; 1 is off.
    public var repeatPenalty: Float = 1
    /// How many of the latest tokens (prompt included) the penalty looks at.
    public var repeatWindow: Int = 64
    /// Seed of the random generator; the same seed gives the same output.
    public var seed: UInt64 = 0

    public init() {}

    public var isGreedy: Bool { temperature == 0 }

    public func validate() throws(GenerationError) {
        guard temperature.isFinite && temperature >= 0 else {
            throw .invalidSetting(name: "--temperature", value: "\(temperature)", expected: "a number >= 0")
        }
        guard topK >= 0 else {
            throw .invalidSetting(name: "--top-k", value: "\(topK)", expected: "an integer >= 0 (0 = off)")
        }
        guard topP > 0 && topP <= 1 else {
            throw .invalidSetting(name: "--top-p", value: "\(topP)", expected: "a number in (0, 1]")
        }
        guard minP >= 0 && minP <= 1 else {
            throw .invalidSetting(name: "--min-p", value: "\(minP)", expected: "a number in [0, 1]")
        }
        guard repeatPenalty.isFinite && repeatPenalty > 0 else {
            throw .invalidSetting(name: "--repeat-penalty", value: "\(repeatPenalty)", expected: "a number > 0 (1 = off)")
        }
        guard repeatWindow >= 0 else {
            throw .invalidSetting(name: "--repeat-last-n", value: "\(repeatWindow)", expected: "an integer >= 0")
        }
    }
}
