import Foundation
import Testing

/// `generate --score`: perplexity of a text file by llama-perplexity's method, checked against
/// llama.cpp's own figures for the same model and file, and log-likelihoods of completions.
@Suite struct GeneratePerplexityTests {
    /// llama-perplexity -m SmolLM2-135M-Instruct.Q4_1.gguf -f /usr/share/common-licenses/GPL-3
    /// -c 512 prints the running estimate [3]16.3002 after its third window
    /// (shared/anchors/llamacpp.md, section 4). The fixture is the head of that file holding
    /// three whole windows, so the figure over all of it is that running estimate. Scoring all
    /// 14 windows (PPL 18.3459) takes too long for a test; the README reports that run.
    @Test func perplexityOfTheGPLHeadAgreesWithLlamaCpp() throws {
        let file = GenerateCompletionTests.fixtures.appendingPathComponent("gpl3-head.txt").path
        let (outcome, records) = try GenerateCompletionTests.records(["--score", "--ctx-size", "512", file], stdin: "")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let record = try #require(records.first)
        #expect(record["file"] as? String == file)
        #expect(record["chunks"] as? Int == 3)
        #expect(record["tokens"] as? Int == 3 * 255)  // the second half of each window, less its last position
        let perplexity = try #require(record["perplexity"] as? Double)
        #expect(abs(perplexity / 16.3002 - 1) < 0.01, "perplexity \(perplexity), llama.cpp 16.3002")
    }

    /// The reference's own greedy continuation is far more likely than the same words shuffled.
    @Test func completionsAreScoredByLogLikelihood() throws {
        let likely = " using AI to create a new generation of humans"
        let shuffled = " humans new of AI a generation create to using"
        let input = try [likely, shuffled].map {
            try GenerateCompletionTests.line(["prompt": "Retrieval-augmented generation works by", "completion": $0])
        }.joined(separator: "\n")
        let (outcome, records) = try GenerateCompletionTests.records(["--score", "--raw"], stdin: input)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try #require(records.count == 2)
        let scores = records.map { $0["log_likelihood"] as? Double ?? 0 }
        #expect(scores[0] < 0 && scores[1] < scores[0] - 10, "\(scores)")
        #expect(records.map { ($0["tokens"] as? [String: Int])?["completion"] } == [9, 9])
        #expect((records[0]["perplexity"] as? Double ?? 0) > 1)
    }
}
