import Foundation

/// Chooses the next token from a logits buffer, following transformers' order of warpers:
/// repetition penalty, then (when sampling) temperature, top-k, top-p, min-p, and a draw from
/// the renormalised distribution with a `SeededGenerator`. Greedy decoding is the arg-max after
/// the penalty, ties going to the lower id.
///
/// Scratch buffers are allocated once for the vocabulary size, so choosing a token allocates
/// nothing (STYLE.md: nothing allocates per token).
public final class TokenSampler {
    public let parameters: SamplingParameters
    public let vocabularySize: Int
    private var random: SeededGenerator
    private let values: UnsafeMutablePointer<Float>     // (V) logits after the penalty
    private let order: UnsafeMutablePointer<Int32>      // (V) candidate ids, best first
    private let weights: UnsafeMutablePointer<Double>   // (V) unnormalised probabilities of `order`
    private let seen: UnsafeMutablePointer<Bool>        // (V) tokens already penalised this step

    public init(parameters: SamplingParameters, vocabularySize: Int) {
        precondition(vocabularySize > 0, "empty vocabulary")
        self.parameters = parameters
        self.vocabularySize = vocabularySize
        random = SeededGenerator(seed: parameters.seed)
        values = .allocate(capacity: vocabularySize)
        order = .allocate(capacity: vocabularySize)
        weights = .allocate(capacity: vocabularySize)
        seen = .allocate(capacity: vocabularySize)
        seen.initialize(repeating: false, count: vocabularySize)
    }

    deinit {
        values.deallocate()
        order.deallocate()
        weights.deallocate()
        seen.deallocate()
    }

    /// The next token given `logits` (length `vocabularySize`) and the sequence so far (prompt
    /// and generated tokens; only its last `repeatWindow` are penalised).
    public func sample(_ logits: UnsafeBufferPointer<Float>, history: ArraySlice<Int32>) -> Int32 {
        precondition(logits.count == vocabularySize, "logits have \(logits.count) entries, vocabulary \(vocabularySize)")
        let v = vocabularySize
        values.update(from: logits.baseAddress!, count: v)
        applyRepetitionPenalty(history)
        if parameters.isGreedy { return argmax() }

        let k = parameters.topK == 0 ? v : min(parameters.topK, v)
        selectBest(k)
        // Weights relative to the best candidate, in Double so that long tails do not vanish.
        let best = Double(values[Int(order[0])])
        let inverseTemperature = 1.0 / Double(parameters.temperature)
        var total = 0.0
        for i in 0..<k {
            let w = exp((Double(values[Int(order[i])]) - best) * inverseTemperature)
            weights[i] = w
            total += w
        }
        var n = k
        if parameters.topP < 1 {
            let target = Double(parameters.topP) * total
            var cumulative = 0.0
            for i in 0..<k {
                cumulative += weights[i]
                if cumulative >= target { n = i + 1; break }
            }
        }
        if parameters.minP > 0 {
            // weights[0] is 1: the threshold is min-p times the top probability.
            let floor = Double(parameters.minP)
            var kept = 1
            while kept < n && weights[kept] >= floor { kept += 1 }
            n = kept
        }
        var kept = 0.0
        for i in 0..<n { kept += weights[i] }
        var u = random.nextUnitInterval() * kept
        for i in 0..<n {
            u -= weights[i]
            if u < 0 { return order[i] }
        }
        return order[n - 1]  // u landed on the rounding error at the very end of the interval
    }

    private func applyRepetitionPenalty(_ history: ArraySlice<Int32>) {
        let penalty = parameters.repeatPenalty
        guard penalty != 1, parameters.repeatWindow > 0 else { return }
        let window = history.suffix(parameters.repeatWindow)
        for token in window where token >= 0 && Int(token) < vocabularySize && !seen[Int(token)] {
            let t = Int(token)
            seen[t] = true
            values[t] = values[t] > 0 ? values[t] / penalty : values[t] * penalty
        }
        for token in window where token >= 0 && Int(token) < vocabularySize { seen[Int(token)] = false }
    }

    private func argmax() -> Int32 {
        var best = 0
        for i in 1..<vocabularySize where values[i] > values[best] { best = i }
        return Int32(best)
    }

    /// `a` ranks before `b`: higher value, or equal value and lower id (a total order, so the
    /// result does not depend on the selection algorithm).
    @inline(__always)
    private func ranksBefore(_ a: Int32, _ b: Int32) -> Bool {
        let va = values[Int(a)], vb = values[Int(b)]
        return va > vb || (va == vb && a < b)
    }

    /// Puts the `k` best ids in `order[0..<k]`, best first: a min-heap of the best k so far
    /// (O(V log k)) rather than a sort of the whole vocabulary.
    private func selectBest(_ k: Int) {
        let heap = order
        for i in 0..<k {
            heap[i] = Int32(i)
            siftUp(i)
        }
        for i in k..<vocabularySize where ranksBefore(Int32(i), heap[0]) {
            heap[0] = Int32(i)
            siftDown(0, count: k)
        }
        var sorted = UnsafeMutableBufferPointer(start: order, count: k)
        sorted.sort { ranksBefore($0, $1) }
    }

    // The heap's root is its worst member.
    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard ranksBefore(order[parent], order[child]) else { return }
            order.swapAt(parent, child)
            child = parent
        }
    }

    private func siftDown(_ start: Int, count: Int) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1, right = left + 1
            if left < count && ranksBefore(order[worst], order[left]) { worst = left }
            if right < count && ranksBefore(order[worst], order[right]) { worst = right }
            if worst == parent { return }
            order.swapAt(parent, worst)
            parent = worst
        }
    }
}

private extension UnsafeMutablePointer {
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
