// Where each weight of the encoder lives in a Hugging Face BERT checkpoint: the one place that
// knows the checkpoint's spelling, so the Swift types can use Swift names.

/// Tensor names of a `BertModel` safetensors file. Checkpoints saved from a task model
/// (`BertForMaskedLM`, ...) put everything under `bert.`; sentence-transformers folders do not.
public struct BertCheckpointKeys: Sendable {
    /// "" or "bert.", whichever the file uses.
    public let prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }

    /// The prefix under which `names` holds the word embeddings, or nil when neither spelling is there.
    public static func detect(in names: Set<String>) -> BertCheckpointKeys? {
        for prefix in ["", "bert."] where names.contains(prefix + "embeddings.word_embeddings.weight") {
            return BertCheckpointKeys(prefix: prefix)
        }
        return nil
    }

    public var wordEmbeddings: String { prefix + "embeddings.word_embeddings.weight" }
    public var positionEmbeddings: String { prefix + "embeddings.position_embeddings.weight" }
    public var tokenTypeEmbeddings: String { prefix + "embeddings.token_type_embeddings.weight" }
    public var embeddingNormWeight: String { prefix + "embeddings.LayerNorm.weight" }
    public var embeddingNormBias: String { prefix + "embeddings.LayerNorm.bias" }

    /// The names of one encoder layer's tensors.
    public struct Layer: Sendable {
        let base: String
        public var query: String { base + "attention.self.query" }
        public var key: String { base + "attention.self.key" }
        public var value: String { base + "attention.self.value" }
        public var attentionOutput: String { base + "attention.output.dense" }
        public var attentionNorm: String { base + "attention.output.LayerNorm" }
        public var intermediate: String { base + "intermediate.dense" }
        public var output: String { base + "output.dense" }
        public var outputNorm: String { base + "output.LayerNorm" }
    }

    public func layer(_ index: Int) -> Layer {
        Layer(base: prefix + "encoder.layer.\(index).")
    }
}
