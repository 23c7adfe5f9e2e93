import Foundation
import Testing
import Models

@Suite struct GenerationScoringTests {
    /// Logits where the token after `t` is `t + 1` with probability p and the others share the rest.
    private func session(p: Double, contextLength: Int = 64) -> TableSession {
        let v = 258
        let favourite = Float(log(p * Double(v - 1) / (1 - p)))
        return TableSession(contextLength: contextLength) { last in
            var row = [Float](repeating: 0, count: v)
            row[Int(last + 1) % v] = favourite
            return row
        }
    }

    @Test func completionScoreIsTheSumOfLogProbabilities() throws {
        let scorer = LikelihoodScorer(session: session(p: 0.5))
        // 10 → 11 → 12 (probability 0.5 each), then 12 → 40 (the rest, 0.5 / 257).
        let score = try scorer.score(prompt: [9, 10], completion: [11, 12, 40])
        let expected = 2 * log(0.5) + log(0.5 / 257)
        #expect(abs(score.logLikelihood - expected) < 1e-5)
        #expect(score.tokenCount == 3)
        #expect(abs(score.perplexity - exp(-expected / 3)) < 1e-4)
        #expect(throws: GenerationError.self) { try scorer.score(prompt: [], completion: [1]) }
    }

    @Test func textPerplexityFollowsLlamaCppWindows() throws {
        // 50 tokens, window 16: floor(50/16) = 3 windows; each scores positions 9...15 (7
        // tokens), the first half being context only. Tokens count up by one, so each scored
        // token has probability p: perplexity 1/p exactly, whatever the window.
        let tokens = (0..<50).map { Int32($0) }
        let scorer = LikelihoodScorer(session: session(p: 0.25))
        var reported: [Int] = []
        let score = try scorer.perplexity(of: tokens, windowSize: 16, bos: nil) { done, _ in reported.append(done) }
        #expect(score.chunks == 3)
        #expect(score.tokenCount == 21)
        #expect(abs(score.perplexity - 4) < 1e-4)
        #expect(score.perplexityError < 1e-4)
        #expect(reported == [1, 2, 3])
    }

    @Test func onlyTheSecondHalfOfEachWindowIsScored() throws {
        // A jump in the first half of a window (token 3 → 7) must not be scored; one in the
        // second half (position 12: 11 → 30) must be, exactly once.
        var tokens = (0..<16).map { Int32($0) }
        tokens[4] = 7
        tokens[12] = 30
        tokens[13] = 31; tokens[14] = 32; tokens[15] = 33
        let scorer = LikelihoodScorer(session: session(p: 0.5))
        let score = try scorer.perplexity(of: tokens, windowSize: 16, bos: nil)
        let expected = 6 * log(0.5) + log(0.5 / 257)
        #expect(abs(score.logLikelihood - expected) < 1e-5)
        // With the standard error of llama-perplexity: PPL × sqrt((E[nll²] − E[nll]²) / (n − 1)).
        let nll = [Double](repeating: -log(0.5), count: 6) + [-log(0.5 / 257)]
        let mean = nll.reduce(0, +) / 7
        let meanSquare = nll.map { $0 * $0 }.reduce(0, +) / 7
        #expect(abs(score.perplexityError - exp(mean) * ((meanSquare - mean * mean) / 6).squareRoot()) < 1e-6)
    }

    @Test func bosReplacesTheFirstTokenOfEachWindow() throws {
        let session = session(p: 0.5)
        _ = try LikelihoodScorer(session: session).perplexity(of: (0..<8).map { Int32($0) }, windowSize: 8, bos: 200)
        #expect(session.tokens.first == 200)
        #expect(throws: GenerationError.self) {
            try LikelihoodScorer(session: session).perplexity(of: [1, 2, 3], windowSize: 8, bos: nil)
        }
    }
}
