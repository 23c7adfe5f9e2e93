// BERT's position-wise feed-forward block (post-norm):
// x ← LayerNorm(x + W2 · gelu(W1 · x + b1) + b2).

import TensorCore

/// One layer's feed-forward block.
final class BertFeedForward {
    let upWeight: Tensor    // (I, C)
    let upBias: Tensor      // (I)
    let downWeight: Tensor  // (C, I)
    let downBias: Tensor    // (C)
    let normWeight: Tensor  // (C)
    let normBias: Tensor    // (C)
    let epsilon: Float

    init(_ config: BertConfiguration, keys: BertCheckpointKeys.Layer, source: BertWeightSource) throws(EmbeddingError) {
        let c = config.hiddenSize, i = config.intermediateSize
        upWeight = try .load(keys.intermediate + ".weight", [i, c], from: source)
        upBias = try .load(keys.intermediate + ".bias", [i], from: source)
        downWeight = try .load(keys.output + ".weight", [c, i], from: source)
        downBias = try .load(keys.output + ".bias", [c], from: source)
        normWeight = try .load(keys.outputNorm + ".weight", [c], from: source)
        normBias = try .load(keys.outputNorm + ".bias", [c], from: source)
        epsilon = config.layerNormEpsilon
    }

    /// Updates some rows of `x` (R, C) in place, using the same rows of the intermediate
    /// activation `hidden` (R, I) as scratch.
    func forward(_ x: MatrixView, hidden: MatrixView) {
        BLAS.gemm(hidden, x, upWeight.matrix, transposeB: true)
        BertFeedForward.biasGELU(hidden, bias: upBias.data)
        BLAS.linear(x, hidden, weight: downWeight.matrix, bias: downBias.data, accumulate: true)
        LayerNorm.forward(x, x, weight: normWeight.data, bias: normBias.data, eps: epsilon)
    }

    /// m ← gelu(m + bias) row by row, in one pass over the (N, I) activation, which is the largest
    /// buffer of the layer: adding the bias separately would stream it through memory twice.
    static func biasGELU(_ m: MatrixView, bias: UnsafePointer<Float>) {
        let cols = m.cols
        Threads.forEachChunk(of: m.rows, elementsPerItem: cols) { rows in
            for r in rows {
                let row = m.row(r)
                for j in 0..<cols {
                    let v = row[j] + bias[j]
                    row[j] = 0.5 * v * (1 + FastMath.erf(v * 0.707_106_77))  // x·Φ(x), exact (erf) GELU
                }
            }
        }
    }
}
