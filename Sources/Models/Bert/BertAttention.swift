// BERT self-attention with its output projection, residual and LayerNorm (post-norm):
// x ← LayerNorm(x + Wo · softmax(Q Kᵀ / √d) V + bo).

import TensorCore

/// One layer's self-attention block.
final class BertAttention {
    let headCount: Int
    let headDimension: Int
    /// Query, key and value weights stacked into one (3C, C) matrix, so the three projections are
    /// one matrix product over all tokens of the batch.
    let qkvWeight: Tensor   // (3C, C)
    let qkvBias: Tensor     // (3C)
    let outputWeight: Tensor  // (C, C)
    let outputBias: Tensor    // (C)
    let normWeight: Tensor    // (C)
    let normBias: Tensor      // (C)
    let epsilon: Float

    init(_ config: BertConfiguration, keys: BertCheckpointKeys.Layer, source: BertWeightSource) throws(EmbeddingError) {
        let c = config.hiddenSize
        headCount = config.headCount
        headDimension = config.headDimension
        qkvWeight = Tensor(rows: 3 * c, cols: c)
        qkvBias = Tensor(shape: [3 * c])
        for (part, name) in [keys.query, keys.key, keys.value].enumerated() {
            try source(name + ".weight", [c, c], qkvWeight.data + part * c * c)
            try source(name + ".bias", [c], qkvBias.data + part * c)
        }
        outputWeight = try .load(keys.attentionOutput + ".weight", [c, c], from: source)
        outputBias = try .load(keys.attentionOutput + ".bias", [c], from: source)
        normWeight = try .load(keys.attentionNorm + ".weight", [c], from: source)
        normBias = try .load(keys.attentionNorm + ".bias", [c], from: source)
        epsilon = config.layerNormEpsilon
    }

    /// Updates `x` (ΣT, C) in place; `state.sequenceRows` says which rows form each sequence.
    /// A token attends only to the tokens of its own sequence, which is what BERT's padding mask
    /// achieves on a padded batch.
    func forward(_ x: MatrixView, state: BertRunState) {
        let n = x.rows, c = x.cols, d = headDimension
        let qkv = state.qkv.matrix.rows(0..<n)           // (N, 3C)
        let context = state.context.matrix.rows(0..<n)   // (N, C)
        BLAS.linear(qkv, x, weight: qkvWeight.matrix, bias: qkvBias.data)
        let scale = 1 / Float(d).squareRoot()
        for rows in state.sequenceRows {
            let t = rows.count
            let seq = qkv.rows(rows)
            let scores = MatrixView(base: state.scores.data, rows: t, cols: t)  // head h at + h·T²
            // scores_h = Q_h K_hᵀ / √d for every head: heads are d-column windows of Q and K.
            BLAS.gemmBatched(count: headCount,
                             scores, strideC: t * t,
                             seq.columns(0..<d), strideA: d,
                             seq.columns(c..<(c + d)), strideB: d,
                             transposeB: true, alpha: scale)
            Softmax.forwardRows(MatrixView(base: state.scores.data, rows: headCount * t, cols: t))
            // context_h = P_h V_h, written into head h's columns of the context rows.
            BLAS.gemmBatched(count: headCount,
                             context.rows(rows).columns(0..<d), strideC: d,
                             scores, strideA: t * t,
                             seq.columns((2 * c)..<(2 * c + d)), strideB: d)
        }
        BLAS.linear(x, context, weight: outputWeight.matrix, bias: outputBias.data, accumulate: true)
        LayerNorm.forward(x, x, weight: normWeight.data, bias: normBias.data, eps: epsilon)
    }
}
