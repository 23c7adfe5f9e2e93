// One transformer layer of BERT: self-attention, then feed-forward, each with residual and
// LayerNorm after it.

import TensorCore

/// Encoder layer `index` of a BERT model.
final class BertLayer {
    let attention: BertAttention
    let feedForward: BertFeedForward

    init(_ config: BertConfiguration, keys: BertCheckpointKeys.Layer, source: BertWeightSource) throws(EmbeddingError) {
        attention = try BertAttention(config, keys: keys, source: source)
        feedForward = try BertFeedForward(config, keys: keys, source: source)
    }

    func forward(_ x: MatrixView, state: BertRunState) {
        attention.forward(x, state: state)
        feedForward.forward(x, state: state)
    }
}
