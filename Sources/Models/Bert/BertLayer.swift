// One transformer layer of BERT: self-attention, then feed-forward, each with residual and
// LayerNorm after it.
//
// Threads: OpenBLAS runs on one thread (BertEncoder) and the layer splits its work across our
// threads in three stretches: the rows for the QKV projection, the sequences for attention,
// then the rows again for everything row-local that follows (output projection, LayerNorm,
// the feed-forward block, LayerNorm), so each thread keeps its rows in its own cache and the
// cores meet only twice per layer. Letting OpenBLAS thread each product instead left its
// idle workers spinning through our kernels between the products (measured: a quarter of
// the run's CPU time in sched_yield).

import TensorCore

/// Encoder layer `index` of a BERT model.
final class BertLayer {
    let attention: BertAttention
    let feedForward: BertFeedForward

    init(_ config: BertConfiguration, keys: BertCheckpointKeys.Layer, source: BertWeightSource) throws(EmbeddingError) {
        attention = try BertAttention(config, keys: keys, source: source)
        feedForward = try BertFeedForward(config, keys: keys, source: source)
    }

    /// Updates `x` (ΣT, C) in place.
    func forward(_ x: MatrixView, state: BertRunState) {
        let n = x.rows, c = x.cols
        let qkv = state.qkv.matrix.rows(0..<n)                   // (N, 3C)
        let context = state.context.matrix.rows(0..<n)           // (N, C)
        let intermediate = state.intermediate.matrix.rows(0..<n)  // (N, I)
        Threads.forEachChunk(of: n, elementsPerItem: 3 * c * c) { rows in
            attention.project(x.rows(rows), into: qkv.rows(rows))
        }
        attention.attend(qkv: qkv, context: context, state: state)
        Threads.forEachChunk(of: n, elementsPerItem: 3 * c * c) { rows in
            attention.finish(x.rows(rows), context: context.rows(rows))
            feedForward.forward(x.rows(rows), hidden: intermediate.rows(rows))
        }
    }
}
