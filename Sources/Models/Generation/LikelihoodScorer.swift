import Foundation

/// Summary of token log-likelihoods: what `--score` prints.
public struct LikelihoodScore: Sendable, Equatable {
    /// Sum of natural-log probabilities of the scored tokens.
    public var logLikelihood: Double
    public var tokenCount: Int
    /// exp(mean negative log-likelihood).
    public var perplexity: Double
    /// llama-perplexity's "±": perplexity times the standard error of the mean NLL.
    public var perplexityError: Double
    /// Windows evaluated (1 for a completion).
    public var chunks: Int

    /// - Parameter logProbabilities: natural-log probabilities, accumulated in Double.
    init(logProbabilities: [Double], chunks: Int) {
        var sum = 0.0, sumOfSquares = 0.0
        for lp in logProbabilities {
            sum -= lp
            sumOfSquares += lp * lp
        }
        let n = Double(logProbabilities.count)
        let mean = sum / n
        logLikelihood = -sum
        tokenCount = logProbabilities.count
        perplexity = exp(mean)
        let variance = logProbabilities.count > 1 ? max(0, sumOfSquares / n - mean * mean) / (n - 1) : 0
        perplexityError = perplexity * variance.squareRoot()
        self.chunks = chunks
    }
}

/// Log-likelihood and perplexity, so that users can measure what RAG and LoRA each buy them.
public struct LikelihoodScorer {
    public let session: any CausalLanguageModelSession

    public init(session: any CausalLanguageModelSession) {
        self.session = session
    }

    /// How likely the model finds `completion` after `prompt` (both token ids; the prompt must
    /// not be empty, since the first completion token is predicted from it).
    public func score(prompt: [Int32], completion: [Int32]) throws -> LikelihoodScore {
        guard !prompt.isEmpty else { throw GenerationError.tooFewTokens(what: "the prompt", found: 0, needed: 1) }
        guard !completion.isEmpty else { throw GenerationError.tooFewTokens(what: "the completion", found: 0, needed: 1) }
        guard prompt.count + completion.count <= session.contextLength else {
            throw GenerationError.promptTooLong(tokens: prompt.count + completion.count, contextLength: session.contextLength)
        }
        session.reset()
        _ = try session.append(prompt)
        return LikelihoodScore(logProbabilities: try session.logProbabilities(of: completion), chunks: 1)
    }

    /// Perplexity of a whole text by llama.cpp's `llama-perplexity` method, so the figures can be
    /// compared: the tokens are cut into floor(n / windowSize) non-overlapping windows (the rest
    /// is unused); each is evaluated from an empty cache, with its first token replaced by BOS
    /// when the model adds one; only the second half is scored (the logits at positions
    /// windowSize/2 ..< windowSize-1 predict the tokens after them), so every scored token has
    /// at least half a window of context.
    ///
    /// - Parameter progress: called after each window with the number done.
    public func perplexity(of tokens: [Int32], windowSize: Int, bos: Int32?,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> LikelihoodScore {
        guard windowSize >= 4 else {
            throw GenerationError.invalidSetting(name: "--ctx-size", value: "\(windowSize)", expected: "at least 4 for --score")
        }
        guard windowSize <= session.contextLength else {
            throw GenerationError.invalidSetting(name: "--ctx-size", value: "\(windowSize)",
                                                 expected: "at most the model's context, \(session.contextLength)")
        }
        let chunks = tokens.count / windowSize
        guard chunks > 0 else {
            throw GenerationError.tooFewTokens(what: "the text", found: tokens.count, needed: windowSize)
        }
        let first = windowSize / 2
        var all: [Double] = []
        all.reserveCapacity(chunks * (windowSize - first - 1))
        for chunk in 0..<chunks {
            var window = Array(tokens[(chunk * windowSize)..<((chunk + 1) * windowSize)])
            if let bos { window[0] = bos }
            session.reset()
            _ = try session.append(Array(window[...first]))
            all += try session.logProbabilities(of: Array(window[(first + 1)...]))
            progress(chunk + 1, chunks)
        }
        return LikelihoodScore(logProbabilities: all, chunks: chunks)
    }
}
