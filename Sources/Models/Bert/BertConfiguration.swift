// The sizes of a BERT encoder, read from a Hugging Face `config.json`. Nothing about the network is
// hard-coded: MiniLM (384 × 6), bge-small, e5-small and gte-small differ only in these numbers.

import LoragBasics

/// The hyperparameters of a BERT-architecture encoder (Hugging Face `BertConfig` names in comments).
public struct BertConfiguration: Sendable, Equatable {
    /// `vocab_size`
    public var vocabularySize: Int
    /// `hidden_size`
    public var hiddenSize: Int
    /// `num_hidden_layers`
    public var layerCount: Int
    /// `num_attention_heads`
    public var headCount: Int
    /// `intermediate_size`
    public var intermediateSize: Int
    /// `max_position_embeddings`: the longest sequence the position table covers.
    public var maxPositions: Int
    /// `type_vocab_size`
    public var typeVocabularySize: Int
    /// `layer_norm_eps`
    public var layerNormEpsilon: Float

    public var headDimension: Int { hiddenSize / headCount }

    public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int,
                intermediateSize: Int, maxPositions: Int, typeVocabularySize: Int = 2,
                layerNormEpsilon: Float = 1e-12) {
        precondition(headCount > 0 && hiddenSize % headCount == 0,
                     "hidden size \(hiddenSize) is not a multiple of \(headCount) heads")
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        self.layerNormEpsilon = layerNormEpsilon
    }

    /// Reads `config.json` text; `file` names it in messages.
    public init(json text: String, file: String) throws(EmbeddingError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: text)
        } catch {
            throw .unreadableModel(path: file, reason: "not JSON: \(error)")
        }
        func positive(_ key: String) throws(EmbeddingError) -> Int {
            guard let value = root[key] else {
                throw .badConfiguration(file: file, key: key, expected: "a positive integer", found: "nothing")
            }
            guard let n = value.intValue, n > 0 else {
                throw .badConfiguration(file: file, key: key, expected: "a positive integer", found: value.serialized())
            }
            return n
        }
        if let type = root["model_type"]?.stringValue, !BertConfiguration.encoderTypes.contains(type) {
            throw .unsupported(file: file, what: "model_type", found: type,
                               supported: BertConfiguration.encoderTypes.sorted().joined(separator: ", "))
        }
        // BERT's FFN activation; the tanh approximation ("gelu_new") would give different vectors.
        let activation = root["hidden_act"]?.stringValue ?? "gelu"
        guard activation == "gelu" else {
            throw .unsupported(file: file, what: "hidden_act", found: activation, supported: "gelu")
        }
        if let kind = root["position_embedding_type"]?.stringValue, kind != "absolute" {
            throw .unsupported(file: file, what: "position_embedding_type", found: kind, supported: "absolute")
        }
        let hidden = try positive("hidden_size")
        let heads = try positive("num_attention_heads")
        guard hidden % heads == 0 else {
            throw .badConfiguration(file: file, key: "num_attention_heads",
                                    expected: "a divisor of hidden_size \(hidden)", found: "\(heads)")
        }
        let eps = root["layer_norm_eps"]?.doubleValue ?? 1e-12
        self.init(vocabularySize: try positive("vocab_size"), hiddenSize: hidden,
                  layerCount: try positive("num_hidden_layers"), headCount: heads,
                  intermediateSize: try positive("intermediate_size"),
                  maxPositions: try positive("max_position_embeddings"),
                  typeVocabularySize: root["type_vocab_size"]?.intValue ?? 2,
                  layerNormEpsilon: Float(eps))
    }

    /// `model_type` values whose checkpoints have BERT's layout and arithmetic.
    static let encoderTypes: Set<String> = ["bert"]
}
