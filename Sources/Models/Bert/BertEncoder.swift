// The BERT encoder: embeddings and a stack of layers, producing one hidden vector per token.
// (The pooler of `BertModel` is not used by sentence-transformers and is not loaded.)

import COpenBLAS
import ModelFiles
import TensorCore

/// A BERT-architecture encoder with its weights. Inference only; one batch at a time per run state.
public final class BertEncoder: @unchecked Sendable {
    public let configuration: BertConfiguration
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    /// Builds the encoder from any weight source (a checkpoint, or tensors made in a test).
    public init(configuration: BertConfiguration, keys: BertCheckpointKeys = BertCheckpointKeys(prefix: ""),
                source: BertWeightSource) throws(EmbeddingError) {
        self.configuration = configuration
        embeddings = try BertEmbeddings(configuration, keys: keys, source: source)
        var layers: [BertLayer] = []
        for index in 0..<configuration.layerCount {
            layers.append(try BertLayer(configuration, keys: keys.layer(index), source: source))
        }
        self.layers = layers
    }

    /// Loads the weights of a Hugging Face safetensors checkpoint.
    public convenience init(configuration: BertConfiguration, weights: SafetensorsFile) throws(EmbeddingError) {
        guard let keys = BertCheckpointKeys.detect(in: Set(weights.tensors.map(\.name))) else {
            throw .unreadableModel(path: weights.path,
                                   reason: "no tensor 'embeddings.word_embeddings.weight' (with or without 'bert.'): not a BERT checkpoint")
        }
        try self.init(configuration: configuration, keys: keys, source: weights.bertWeightSource())
    }

    /// Runs the encoder on a batch of token sequences (each `[CLS] … [SEP]`, no padding) and
    /// returns the last hidden states, packed: the rows of sequence i follow those of sequence i − 1,
    /// with no padding between them. The view points into `state` and is valid until its next use.
    public func forward(_ sequences: [[Int]], state: BertRunState) -> MatrixView {
        state.sequenceRows.removeAll(keepingCapacity: true)
        var total = 0
        for ids in sequences {
            precondition(ids.count <= state.maxSequence, "sequence of \(ids.count) tokens exceeds the run state's \(state.maxSequence)")
            state.sequenceRows.append(total..<(total + ids.count))
            total += ids.count
        }
        precondition(total <= state.maxTokens, "batch of \(total) tokens exceeds the run state's \(state.maxTokens)")
        let x = state.hidden.matrix.rows(0..<total)  // (N, C)
        // Our threads split the work of each layer, so OpenBLAS computes on one (BertLayer.swift).
        let blasThreads = Threads.blasCount
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(blasThreads)) }
        embeddings.forward(x, sequences)
        for layer in layers { layer.forward(x, state: state) }
        return x
    }
}
