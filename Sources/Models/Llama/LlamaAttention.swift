// Grouped-query self-attention with RoPE and a KV cache.

import Foundation
import TensorCore

/// The attention of one block: q/k/v projections (with biases for Qwen2), RoPE, causal softmax
/// over the cached keys, and the output projection.
final class LlamaAttention: @unchecked Sendable {
    let query: LinearWeight
    let key: LinearWeight
    let value: LinearWeight
    let output: LinearWeight
    let headCount: Int
    let kvHeadCount: Int
    let headDim: Int

    init(query: LinearWeight, key: LinearWeight, value: LinearWeight, output: LinearWeight,
         headCount: Int, kvHeadCount: Int, headDim: Int) {
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim
    }

    /// out (T × hidden) = attention of the normalised rows `x` (T × hidden) at positions
    /// `position ..< position + T`, whose keys and values are appended to `cache` first.
    func forward(_ out: MatrixView, _ x: MatrixView, cache: LlamaKVCache.Layer, position: Int,
                 rope: Rope, state: LlamaRunState) {
        let t = x.rows
        let qDim = headCount * headDim
        let q = state.query.matrix(rows: state.capacity, cols: qDim).rows(0..<t)
        // New keys and values go straight into the cache rows they occupy.
        let k = cache.keys.rows(position..<(position + t))
        let v = cache.values.rows(position..<(position + t))
        LinearWeight.apply([query, key, value], [q, k, v], x, state.linear)
        rope.forward(q, firstPosition: position)
        rope.forward(k, firstPosition: position)

        let visible = position + t
        let attended = state.attended.matrix(rows: state.capacity, cols: qDim).rows(0..<t)
        let group = headCount / kvHeadCount
        let scale = 1 / Float(headDim).squareRoot()
        if t == 1 {
            decodeAttention(attended.base, q.base, cache: cache, visible: visible, scale: scale, state: state)
            output.apply(out, attended, state.linear)
            return
        }
        let scores = MatrixView(base: state.scores.data, rows: t, cols: visible)
        let keys = cache.keys.rows(0..<visible), values = cache.values.rows(0..<visible)
        for h in 0..<headCount {
            let g = h / group
            let qh = q.columns((h * headDim)..<((h + 1) * headDim))
            let kh = keys.columns((g * headDim)..<((g + 1) * headDim))
            let vh = values.columns((g * headDim)..<((g + 1) * headDim))
            BLAS.gemm(scores, qh, kh, transposeB: true, alpha: scale)
            Softmax.forwardCausalRows(scores, firstPosition: position)
            BLAS.gemm(attended.columns((h * headDim)..<((h + 1) * headDim)), scores, vh)
        }
        output.apply(out, attended, state.linear)
    }

    /// One query row against `visible` cached positions: per head, scores by dot products, softmax,
    /// and the weighted sum of values, with no BLAS call (at one token, its call overhead
    /// dominates). Heads are split across the worker pool, each part with its own row of scores.
    private func decodeAttention(_ out: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>,
                                 cache: LlamaKVCache.Layer, visible: Int, scale: Float, state: LlamaRunState) {
        let group = headCount / kvHeadCount, kvDim = kvHeadCount * headDim, d = headDim, heads = headCount
        let keys = cache.keys.base, values = cache.values.base
        let pool = state.linear.pool
        // One row of the scores scratch per part; a session with fewer rows than threads uses one part.
        let parts = state.capacity >= pool.count ? pool.count : 1
        let context = state.scores.shape[1]
        let body = { (part: Int) in
            guard part < parts else { return }
            let scores = state.scores.data + part * context
            for h in (heads * part / parts)..<(heads * (part + 1) / parts) {
                let g = h / group
                let qh = q + h * d
                for j in 0..<visible { scores[j] = scale * VectorMath.dot(qh, keys + j * kvDim + g * d, count: d) }
                Softmax.forward(scores, scores, count: visible)
                let oh = out + h * d
                oh.update(repeating: 0, count: d)
                for j in 0..<visible { VectorMath.axpy(oh, scores[j], values + j * kvDim + g * d, count: d) }
            }
        }
        if parts == 1 { body(0) } else { pool.run(body) }
    }
}
