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

    /// The query, key and value projections of some rows of `x` into the same rows of `qkv`
    /// (N, 3C).
    func project(_ x: MatrixView, into qkv: MatrixView) {
        BLAS.linear(qkv, x, weight: qkvWeight.matrix, bias: qkvBias.data)
    }

    /// context (N, C) ← attention of every sequence, from the projections of all N rows.
    /// `state.sequenceRows` says which rows form each sequence: a token attends only to the
    /// tokens of its own sequence, which is what BERT's padding mask achieves on a padded
    /// batch. Sequences are split across our threads, each with its own scores slot.
    func attend(qkv: MatrixView, context: MatrixView, state: BertRunState) {
        let workers = max(1, min(Threads.count, state.scoreSlots, state.sequenceRows.count))
        Threads.forEachChunk(of: workers, elementsPerItem: Threads.minimumElementsPerTask) { slots in
            for slot in slots {
                for s in stride(from: slot, to: state.sequenceRows.count, by: workers) {
                    attend(sequence: s, qkv: qkv, context: context, state: state, slot: slot)
                }
            }
        }
    }

    /// x ← LayerNorm(x + Wo · context + bo) for some rows (the same rows of both views).
    func finish(_ x: MatrixView, context: MatrixView) {
        BLAS.linear(x, context, weight: outputWeight.matrix, bias: outputBias.data, accumulate: true)
        LayerNorm.forward(x, x, weight: normWeight.data, bias: normBias.data, eps: epsilon)
    }

    /// context rows of sequence `s` ← softmax(Q Kᵀ / √d) V for every head, with scores slot `slot`
    /// of the run state as scratch. Single-threaded (the per-head products are tiny, T × d by
    /// d × T): the caller runs sequences in parallel.
    private func attend(sequence s: Int, qkv: MatrixView, context: MatrixView, state: BertRunState, slot: Int) {
        let c = context.cols, d = headDimension
        let rows = state.sequenceRows[s]
        let t = rows.count
        let seq = qkv.rows(rows)
        let base = state.scores.data + slot * state.scoresPerSlot
        let scores = MatrixView(base: base, rows: t, cols: t)  // head h at + h·T²
        // scores_h = Q_h K_hᵀ / √d for every head: heads are d-column windows of Q and K.
        BLAS.gemmBatched(count: headCount,
                         scores, strideC: t * t,
                         seq.columns(0..<d), strideA: d,
                         seq.columns(c..<(c + d)), strideB: d,
                         transposeB: true, alpha: 1 / Float(d).squareRoot())
        // Row by row on this thread: `Softmax.forwardRows` would fan out to threads already busy.
        for r in 0..<(headCount * t) {
            let row = base + r * t
            Softmax.forward(row, row, count: t)
        }
        // context_h = P_h V_h, written into head h's columns of the context rows.
        BLAS.gemmBatched(count: headCount,
                         context.rows(rows).columns(0..<d), strideC: d,
                         scores, strideA: t * t,
                         seq.columns((2 * c)..<(2 * c + d)), strideB: d)
    }
}
