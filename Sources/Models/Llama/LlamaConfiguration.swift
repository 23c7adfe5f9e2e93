// The hyper-parameters of a Llama-family decoder, from GGUF metadata or a Hugging Face config.json.

import Foundation
import ModelFiles
import TensorCore

/// Shapes and constants of a Llama-family model (Llama 2/3, SmolLM, TinyLlama, Mistral, Qwen2).
public struct LlamaConfiguration: Sendable, Equatable {
    /// "llama" or "qwen2" (Mistral and SmolLM files say "llama").
    public var architecture: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int
    public var vocabularySize: Int
    /// The context the model was trained for.
    public var contextLength: Int
    public var ropeTheta: Float
    public var rmsNormEps: Float
    /// q/k/v projections carry biases (Qwen2).
    public var attentionBias: Bool
    /// Which elements RoPE rotates together: GGUF's llama rows are permuted for adjacent pairs;
    /// safetensors checkpoints and Qwen2 GGUFs use rotate-half.
    public var ropeLayout: RopeLayout

    public static let supportedArchitectures = ["llama", "qwen2"]

    var queryDim: Int { headCount * headDim }
    var kvDim: Int { kvHeadCount * headDim }

    /// Reads `<arch>.*` keys (llama.cpp's names) from a GGUF file.
    public init(gguf: GGUFFile) throws {
        let file = gguf.path
        guard let arch = gguf.string("general.architecture") else {
            throw ModelError.missingSetting(file: file, key: "general.architecture", expected: "a string")
        }
        guard Self.supportedArchitectures.contains(arch) else {
            throw ModelError.unsupportedArchitecture(file: file, found: arch,
                                                     supported: Self.supportedArchitectures.joined(separator: ", "))
        }
        func int(_ key: String) throws -> Int {
            guard let v = gguf.int("\(arch).\(key)") else {
                throw ModelError.missingSetting(file: file, key: "\(arch).\(key)", expected: "an integer")
            }
            return v
        }
        architecture = arch
        hiddenSize = try int("embedding_length")
        intermediateSize = try int("feed_forward_length")
        layerCount = try int("block_count")
        headCount = try int("attention.head_count")
        kvHeadCount = gguf.int("\(arch).attention.head_count_kv") ?? headCount
        headDim = gguf.int("\(arch).attention.key_length") ?? (headCount > 0 ? hiddenSize / headCount : 0)
        contextLength = try int("context_length")
        ropeTheta = Float(gguf.double("\(arch).rope.freq_base") ?? 10_000)
        guard let eps = gguf.double("\(arch).attention.layer_norm_rms_epsilon") else {
            throw ModelError.missingSetting(file: file, key: "\(arch).attention.layer_norm_rms_epsilon", expected: "a float")
        }
        rmsNormEps = Float(eps)
        let embedding = try gguf.tensor(LlamaWeightNames.gguf(.embedding))
        vocabularySize = embedding.rowCount
        attentionBias = gguf.tensors.contains { $0.name == LlamaWeightNames.gguf(.queryBias, layer: 0) }
        // llama.cpp's converter permutes q/k rows only for the llama architecture (LLAMA_ROPE_TYPE_NORM);
        // Qwen2 keeps Hugging Face's order and uses NeoX rotation.
        ropeLayout = arch == "llama" ? .adjacentPairs : .rotateHalf
        if let ropeDim = gguf.int("\(arch).rope.dimension_count"), ropeDim != headDim {
            throw ModelError.invalidSetting(file: file, key: "\(arch).rope.dimension_count", found: String(ropeDim),
                                            expected: "the head dimension \(headDim) (partial RoPE is not supported)")
        }
        try validate(file: file)
    }

    /// Reads a Hugging Face `config.json` (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM).
    public init(configJSON data: Data, file: String) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.missingSetting(file: file, key: "(top level)", expected: "a JSON object")
        }
        func int(_ key: String) throws -> Int {
            guard let v = (object[key] as? NSNumber)?.intValue else {
                throw ModelError.missingSetting(file: file, key: key, expected: "an integer")
            }
            return v
        }
        let modelType = object["model_type"] as? String ?? ""
        switch modelType {
        case "llama", "mistral": architecture = "llama"
        case "qwen2": architecture = "qwen2"
        default:
            throw ModelError.unsupportedArchitecture(file: file, found: modelType, supported: "llama, mistral, qwen2")
        }
        hiddenSize = try int("hidden_size")
        intermediateSize = try int("intermediate_size")
        layerCount = try int("num_hidden_layers")
        headCount = try int("num_attention_heads")
        kvHeadCount = (object["num_key_value_heads"] as? NSNumber)?.intValue ?? headCount
        headDim = (object["head_dim"] as? NSNumber)?.intValue ?? (headCount > 0 ? hiddenSize / headCount : 0)
        vocabularySize = try int("vocab_size")
        contextLength = try int("max_position_embeddings")
        ropeTheta = (object["rope_theta"] as? NSNumber)?.floatValue ?? 10_000
        rmsNormEps = (object["rms_norm_eps"] as? NSNumber)?.floatValue ?? 1e-6
        attentionBias = modelType == "qwen2" || (object["attention_bias"] as? Bool ?? false)
        ropeLayout = .rotateHalf
        if let scaling = object["rope_scaling"], !(scaling is NSNull) {
            throw ModelError.invalidSetting(file: file, key: "rope_scaling", found: "\(scaling)",
                                            expected: "null (RoPE scaling is not supported)")
        }
        try validate(file: file)
    }

    private func validate(file: String) throws {
        let positive = [("hidden size", hiddenSize), ("intermediate size", intermediateSize),
                        ("layer count", layerCount), ("head count", headCount), ("KV head count", kvHeadCount),
                        ("head dimension", headDim), ("vocabulary size", vocabularySize),
                        ("context length", contextLength)]
        for (name, value) in positive where value <= 0 {
            throw ModelError.invalidSetting(file: file, key: name, found: String(value), expected: "a positive number")
        }
        if headCount % kvHeadCount != 0 {
            throw ModelError.invalidSetting(file: file, key: "KV head count", found: String(kvHeadCount),
                                            expected: "a divisor of the head count \(headCount)")
        }
        if headDim % 2 != 0 {
            throw ModelError.invalidSetting(file: file, key: "head dimension", found: String(headDim), expected: "an even number")
        }
    }
}
