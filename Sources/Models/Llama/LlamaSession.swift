// A running sequence: the KV cache, the activations and the position, behind the protocol the
// generation loop uses.

import Foundation
import TensorCore

/// One sequence being decoded by a `LlamaModel`. Not thread-safe; use one per sequence.
public final class LlamaSession: CausalLanguageModelSession {
    public let model: LlamaModel
    public let contextLength: Int
    public private(set) var position = 0
    public var vocabularySize: Int { model.configuration.vocabularySize }
    let cache: LlamaKVCache
    let state: LlamaRunState
    let rope: Rope

    init(model: LlamaModel, contextLength: Int, batchSize: Int) {
        let c = model.configuration
        self.model = model
        self.contextLength = contextLength
        cache = LlamaKVCache(layers: c.layerCount, context: contextLength, kvDim: c.kvDim)
        state = LlamaRunState(configuration: c, context: contextLength, capacity: min(batchSize, contextLength),
                              adapterRank: model.adapterRank)
        rope = Rope(headDim: c.headDim, theta: c.ropeTheta, maxPositions: contextLength, layout: c.ropeLayout)
    }

    /// Whether one-token products (decode steps, and the LM head) dot Q4_1/Q8_0 weights with the
    /// activation quantised to int16 per 32-value block (on by default where the CPU has AVX2:
    /// about 2.5× faster per block) or with the Float32 activation (exact up to float rounding).
    /// Prompt chunks of several tokens always run their projections in Float32 through BLAS, and
    /// `logProbabilities` runs wholly in Float32.
    public var integerProducts: Bool {
        get { state.linear.integerProducts }
        set { state.linear.integerProducts = newValue && QuantizedActivations.isSupported }
    }

    public func reset() {
        position = 0
    }

    public func append(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float> {
        try check(tokens)
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + state.capacity)
            let x = forward(tokens[start..<end])
            if end == tokens.count { head(x.row(x.rows - 1)) }
            start = end
        }
        return UnsafeBufferPointer(start: state.logits.data, count: state.logits.count)
    }

    public func logProbabilities(of tokens: [Int32]) throws -> [Double] {
        try check(tokens)
        guard !tokens.isEmpty else { return [] }
        guard position > 0 else { throw ModelError.emptyContext }
        // Scoring is what perplexity measures: its LM heads run on Float32 activations.
        let integer = state.linear.integerProducts
        state.linear.integerProducts = false
        defer { state.linear.integerProducts = integer }
        // Every call leaves the logits of the last cached position in `state.logits`: they score tokens[0].
        var scores = [logProbability(of: Int(tokens[0]), state.logits.data)]
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + state.capacity)
            let x = forward(tokens[start..<end])
            for r in 0..<x.rows {
                head(x.row(r))
                if start + r + 1 < tokens.count {
                    scores.append(logProbability(of: Int(tokens[start + r + 1]), state.logits.data))
                }
            }
            start = end
        }
        return scores
    }

    private func check(_ tokens: [Int32]) throws {
        for t in tokens where t < 0 || Int(t) >= vocabularySize {
            throw ModelError.tokenOutOfRange(token: Int(t), vocabularySize: vocabularySize)
        }
        if position + tokens.count > contextLength {
            throw ModelError.contextOverflow(have: position, adding: tokens.count, capacity: contextLength)
        }
        state.linear.reserveAdapterRank(model.adapterRank, maxTokens: state.capacity)
    }

    /// Runs `tokens` (at most `capacity`) through every block at the current position and returns
    /// their residual rows; advances the position.
    private func forward(_ tokens: ArraySlice<Int32>) -> MatrixView {
        let x = state.x.matrix.rows(0..<tokens.count)
        for (r, token) in tokens.enumerated() { model.embedding.row(Int(token), into: x.row(r)) }
        for (l, block) in model.blocks.enumerated() {
            block.forward(x, cache: cache.layers[l], position: position, rope: rope, state: state)
        }
        position += tokens.count
        return x
    }

    /// logits = LM head of the final-normalised `row` (one position).
    private func head(_ row: UnsafeMutablePointer<Float>) {
        let n = model.configuration.hiddenSize
        let normed = state.normed.matrix.rows(0..<1)
        RMSNorm.forward(normed, MatrixView(base: row, rows: 1, cols: n), weight: model.finalNorm.data,
                        eps: model.configuration.rmsNormEps)
        model.output.apply(MatrixView(base: state.logits.data, rows: 1, cols: vocabularySize), normed, state.linear)
    }

    /// log softmax(logits)[token], summed in Double.
    private func logProbability(of token: Int, _ logits: UnsafePointer<Float>) -> Double {
        let n = vocabularySize
        let m = Double(VectorMath.max(logits, count: n))
        var total = 0.0
        for i in 0..<n { total += Foundation.exp(Double(logits[i]) - m) }
        return Double(logits[token]) - m - Foundation.log(total)
    }
}
