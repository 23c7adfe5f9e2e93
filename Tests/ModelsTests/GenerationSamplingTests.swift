import Foundation
import Testing
import Models

@Suite struct GenerationSamplingTests {
    /// Reference outputs computed from the published definitions of SplitMix64 and xoshiro256**
    /// (Vigna's reference C code, re-done in Python): SplitMix64's first output for state 0 is
    /// 0xE220A8397B1DCDAF, the value every port checks.
    @Test func seededGeneratorMatchesThePublishedAlgorithm() {
        var zero = SeededGenerator(seed: 0)
        #expect([zero.next(), zero.next(), zero.next(), zero.next()]
                == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C])
        var answer = SeededGenerator(seed: 42)
        #expect([answer.next(), answer.next(), answer.next()]
                == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
        var unit = SeededGenerator(seed: 7)
        for _ in 0..<1000 {
            let u = unit.nextUnitInterval()
            #expect(u >= 0 && u < 1)
        }
    }

    private func sample(_ logits: [Float], _ parameters: SamplingParameters, history: [Int32] = [], draws: Int = 1) -> [Int32] {
        let sampler = TokenSampler(parameters: parameters, vocabularySize: logits.count)
        return logits.withUnsafeBufferPointer { buffer in
            (0..<draws).map { _ in sampler.sample(buffer, history: history[...]) }
        }
    }

    @Test func greedyTakesTheArgmaxAndTheLowerIdOnTies() {
        #expect(sample([0.1, 3, -1, 2.9], SamplingParameters()) == [1])
        #expect(sample([5, 1, 5, 0], SamplingParameters()) == [0])
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        var p = SamplingParameters()
        p.repeatPenalty = 2
        // Token 1 (3 → 1.5) loses to token 3 (2); token 2 (-1 → -2) stays below token 0.
        #expect(sample([0, 3, -1, 2], p, history: [1, 1, 2]) == [3])
        // Outside the window the penalty does not apply.
        p.repeatWindow = 1
        #expect(sample([0, 3, -1, 2], p, history: [1, 2]) == [1])
        // A penalised negative logit is pushed further down: -1 → -3 loses to -2.
        p.repeatWindow = 64
        p.repeatPenalty = 3
        #expect(sample([-1, -2, -5], p, history: [0]) == [1])
    }

    @Test func topKOneIsGreedyWhateverTheTemperature() {
        var p = SamplingParameters()
        p.temperature = 5
        p.topK = 1
        let logits: [Float] = (0..<300).map { Float(($0 * 37) % 101) / 10 }
        let best = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        #expect(Set(sample(logits, p, draws: 50)) == [best])
    }

    @Test func sameSeedSameDrawsAndAnotherSeedOthers() {
        var p = SamplingParameters()
        p.temperature = 1
        p.topK = 0
        p.topP = 1
        p.minP = 0
        let logits = [Float](repeating: 0, count: 50)
        p.seed = 123
        let a = sample(logits, p, draws: 40), b = sample(logits, p, draws: 40)
        p.seed = 124
        let c = sample(logits, p, draws: 40)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func topPAndMinPKeepOnlyTheHead() {
        // Probabilities ∝ 8, 4, 2, 1, 1 (logits ln of those): top-p 0.7 keeps {0, 1} (8+4 = 12 of
        // 16 = 0.75); min-p 0.2 keeps tokens with at least 0.2 × 8 = 1.6, i.e. {0, 1, 2}.
        let logits: [Float] = [8, 4, 2, 1, 1].map { Float(log(Double($0))) }
        var p = SamplingParameters()
        p.temperature = 1
        p.topK = 0
        p.minP = 0
        p.topP = 0.7
        p.seed = 9
        #expect(Set(sample(logits, p, draws: 400)) == [0, 1])
        p.topP = 1
        p.minP = 0.2
        #expect(Set(sample(logits, p, draws: 400)) == [0, 1, 2])
        p.minP = 0
        p.topK = 2
        #expect(Set(sample(logits, p, draws: 400)) == [0, 1])
    }

    @Test func drawsFollowTheTemperedDistribution() {
        // Logits 0, ln 3 at temperature 1 give probabilities 1/4, 3/4; at temperature 2 the
        // ratio becomes √3: 1/(1+√3) ≈ 0.366. 20,000 draws: standard error ≈ 0.0034, tolerance 5σ.
        var p = SamplingParameters()
        p.topK = 0
        p.topP = 1
        p.minP = 0
        p.seed = 5
        let logits: [Float] = [0, Float(log(3.0))]
        for (temperature, expected) in [(Float(1), 0.25), (2, 1 / (1 + 3.0.squareRoot()))] {
            p.temperature = temperature
            let draws = sample(logits, p, draws: 20_000)
            let share = Double(draws.filter { $0 == 0 }.count) / 20_000
            #expect(abs(share - expected) < 0.017, "temperature \(temperature): share \(share), expected \(expected)")
        }
    }

    @Test func settingsOutOfRangeAreRejected() {
        var p = SamplingParameters()
        p.topP = 0
        #expect(throws: GenerationError.self) { try p.validate() }
        p = SamplingParameters()
        p.temperature = -1
        #expect(throws: GenerationError.self) { try p.validate() }
        p = SamplingParameters()
        p.repeatPenalty = 0
        #expect(throws: GenerationError.self) { try p.validate() }
    }
}
