import Foundation
import LoragBasics
import Models
import TensorCore
import Testing

/// A tiny BERT made in code (hidden 16, 2 heads, 2 layers, vocabulary 50) with seeded random
/// weights, so that the invariants below need no files.
private func tinyEncoder(seed: UInt64 = 7) throws -> BertEncoder {
    let config = BertConfiguration(vocabularySize: 50, hiddenSize: 16, layerCount: 2, headCount: 2,
                                   intermediateSize: 24, maxPositions: 20)
    var generator = SplitMix(seed)
    return try BertEncoder(configuration: config) { name, shape, destination in
        let count = shape.reduce(1, *)
        let isNormWeight = name.hasSuffix("LayerNorm.weight")
        for i in 0..<count {
            let r = Float(generator.next() % 2001) / 1000 - 1  // uniform in [-1, 1]
            destination[i] = isNormWeight ? 1 + 0.2 * r : 0.3 * r
        }
    }
}

/// The hidden states of each sequence run alone.
private func aloneHidden(_ encoder: BertEncoder, _ sequences: [[Int]]) -> [[Float]] {
    sequences.map { ids in
        let state = BertRunState(configuration: encoder.configuration, maxTokens: ids.count, maxSequence: ids.count)
        let h = encoder.forward([ids], state: state)
        return (0..<h.rows).flatMap { r in Array(UnsafeBufferPointer(start: h.row(r), count: h.cols)) }
    }
}

@Test func aPackedBatchEqualsTheSequencesOneByOne() throws {
    let encoder = try tinyEncoder()
    let sequences = [[1, 5, 9, 2], [1, 2], [1, 30, 31, 32, 33, 34, 35, 2], [1, 7, 2]]
    let state = BertRunState(configuration: encoder.configuration, maxTokens: 32, maxSequence: 8)
    let packed = encoder.forward(sequences, state: state)
    #expect(packed.rows == 17)
    var row = 0
    for (k, alone) in aloneHidden(encoder, sequences).enumerated() {
        for (i, value) in alone.enumerated() {
            let r = row + i / 16, c = i % 16
            #expect(abs(packed[r, c] - value) <= 1e-5, "sequence \(k), token row \(r - row), column \(c)")
        }
        row += sequences[k].count
    }
}

@Test func attentionMixesTokensWithinASequenceOnly() throws {
    // Changing one token must change the other tokens of its sequence (attention works) and
    // leave every other sequence of the batch bit for bit alone (no leak across the packing).
    let encoder = try tinyEncoder()
    let state = BertRunState(configuration: encoder.configuration, maxTokens: 16, maxSequence: 8)
    let a = encoder.forward([[1, 4, 2], [1, 8, 9, 2]], state: state)
    let before = (0..<7).map { r in Array(UnsafeBufferPointer(start: a.row(r), count: 16)) }
    let b = encoder.forward([[1, 4, 2], [1, 8, 10, 2]], state: state)
    let after = (0..<7).map { r in Array(UnsafeBufferPointer(start: b.row(r), count: 16)) }
    #expect(before[0..<3] == after[0..<3])
    #expect(before[3] != after[3], "the [CLS] of the changed sequence sees the changed token")
}

@Test func realModelPackedBatchEqualsRowsOneByOne() throws {
    let embedder = try EmbedTestFiles.miniLM()
    let texts = ["short", "a somewhat longer sentence about keys and rotation",
                 "", "Ünïcødé and 日本語 text", String(repeating: "many words ", count: 40)]
    let batched = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(batchSize: 5)).embed(texts)
    let single = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(batchSize: 1)).embed(texts)
    for (k, (a, b)) in zip(batched, single).enumerated() {
        let (cosine, maxDiff) = compare(a, b)
        #expect(cosine >= 0.999999 && maxDiff <= 1e-5, "text \(k): cosine \(cosine), max diff \(maxDiff)")
    }
}

@Test func configurationIsReadNotAssumed() throws {
    let config = try BertConfiguration(json: """
        {"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 3, "num_attention_heads": 4,
         "intermediate_size": 256, "max_position_embeddings": 128, "vocab_size": 100, "layer_norm_eps": 1e-6}
        """, file: "config.json")
    #expect(config.hiddenSize == 64 && config.layerCount == 3 && config.headDimension == 16)
    #expect(config.intermediateSize == 256 && config.maxPositions == 128 && config.layerNormEpsilon == 1e-6)
    #expect(config.typeVocabularySize == 2)
}

@Test func badConfigurationsSayWhatIsWrong() {
    #expect(throws: EmbeddingError.badConfiguration(file: "c.json", key: "hidden_size", expected: "a positive integer",
                                                    found: "nothing")) {
        try BertConfiguration(json: #"{"num_attention_heads": 2}"#, file: "c.json")
    }
    #expect(throws: EmbeddingError.unsupported(file: "c.json", what: "hidden_act", found: "gelu_new", supported: "gelu")) {
        try BertConfiguration(json: #"{"hidden_act": "gelu_new"}"#, file: "c.json")
    }
    #expect(throws: EmbeddingError.badConfiguration(file: "c.json", key: "num_attention_heads",
                                                    expected: "a divisor of hidden_size 10", found: "3")) {
        try BertConfiguration(json: #"{"hidden_size": 10, "num_attention_heads": 3}"#, file: "c.json")
    }
}

@Test func aWrongTensorShapeIsNamed() throws {
    let config = BertConfiguration(vocabularySize: 50, hiddenSize: 16, layerCount: 1, headCount: 2,
                                   intermediateSize: 24, maxPositions: 20)
    let error = #expect(throws: EmbeddingError.self) {
        try BertEncoder(configuration: config) { name, shape, _ throws(EmbeddingError) in
            if name == "encoder.layer.0.intermediate.dense.weight" {
                throw .badTensorShape(file: "m.safetensors", name: name, expected: shape, found: [48, 16])
            }
        }
    }
    #expect(error?.description.contains("encoder.layer.0.intermediate.dense.weight") == true)
}
