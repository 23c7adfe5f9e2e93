// BERT's input layer: word + position + token-type embeddings, then LayerNorm.

import TensorCore

/// The embedding layer of a BERT encoder.
final class BertEmbeddings {
    let words: Tensor        // (V, C)
    let positions: Tensor    // (P, C)
    /// Row 0 of the token-type table: sentence embeddings feed one segment, so every token has type 0.
    let typeZero: Tensor     // (C)
    let normWeight: Tensor   // (C)
    let normBias: Tensor     // (C)
    let epsilon: Float

    init(_ config: BertConfiguration, keys: BertCheckpointKeys, source: BertWeightSource) throws(EmbeddingError) {
        let c = config.hiddenSize
        words = try .load(keys.wordEmbeddings, [config.vocabularySize, c], from: source)
        positions = try .load(keys.positionEmbeddings, [config.maxPositions, c], from: source)
        let types = try Tensor.load(keys.tokenTypeEmbeddings, [config.typeVocabularySize, c], from: source)
        typeZero = Tensor(shape: [c])
        typeZero.data.update(from: types.data, count: c)
        normWeight = try .load(keys.embeddingNormWeight, [c], from: source)
        normBias = try .load(keys.embeddingNormBias, [c], from: source)
        epsilon = config.layerNormEpsilon
    }

    /// Writes the embedded, normalised tokens of every sequence into consecutive rows of `out`.
    /// Shapes: out (ΣT, C); `sequences[i]` holds ids below the vocabulary size, at most P of them.
    func forward(_ out: MatrixView, _ sequences: [[Int]]) {
        let c = out.cols
        let vocabulary = words.shape[0], maxPositions = positions.shape[0]
        var row = 0
        for ids in sequences {
            precondition(ids.count <= maxPositions, "sequence of \(ids.count) tokens exceeds \(maxPositions) positions")
            for (t, id) in ids.enumerated() {
                precondition(id >= 0 && id < vocabulary, "token id \(id) outside a vocabulary of \(vocabulary)")
                let y = out.row(row), w = words.data + id * c, p = positions.data + t * c, s = typeZero.data
                for j in 0..<c { y[j] = w[j] + p[j] + s[j] }
                row += 1
            }
        }
        let filled = out.rows(0..<row)
        LayerNorm.forward(filled, filled, weight: normWeight.data, bias: normBias.data, eps: epsilon)
    }
}
