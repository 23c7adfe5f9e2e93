// One pre-norm transformer block: x += attention(norm(x)); x += mlp(norm(x)).

import TensorCore

final class LlamaBlock: @unchecked Sendable {
    let attentionNorm: Tensor
    let attention: LlamaAttention
    let ffnNorm: Tensor
    let mlp: LlamaMLP
    let eps: Float

    init(attentionNorm: Tensor, attention: LlamaAttention, ffnNorm: Tensor, mlp: LlamaMLP, eps: Float) {
        self.attentionNorm = attentionNorm
        self.attention = attention
        self.ffnNorm = ffnNorm
        self.mlp = mlp
        self.eps = eps
    }

    /// Updates the residual rows `x` (T × hidden) in place.
    func forward(_ x: MatrixView, cache: LlamaKVCache.Layer, position: Int, rope: Rope, state: LlamaRunState) {
        let t = x.rows, n = x.cols
        let normed = state.normed.matrix(rows: state.capacity, cols: n).rows(0..<t)
        let delta = state.delta.matrix(rows: state.capacity, cols: n).rows(0..<t)
        RMSNorm.forward(normed, x, weight: attentionNorm.data, eps: eps)
        attention.forward(delta, normed, cache: cache, position: position, rope: rope, state: state)
        VectorMath.add(x.base, x.base, delta.base, count: t * n)
        RMSNorm.forward(normed, x, weight: ffnNorm.data, eps: eps)
        mlp.forward(delta, normed, state: state)
        VectorMath.add(x.base, x.base, delta.base, count: t * n)
    }
}
