// A Llama-family decoder's weights, loaded from a GGUF file or a Hugging Face safetensors folder.

import Foundation
import ModelFiles
import TensorCore

/// The weights of a Llama-family model. Read-only once loaded (adapters aside), so several
/// sessions may share it; each `LlamaSession` holds its own cache and scratch.
public final class LlamaModel: @unchecked Sendable {
    public let configuration: LlamaConfiguration
    /// The file or folder the weights came from.
    public let source: String
    /// The GGUF file when the model came from one (its metadata carries the tokenizer).
    public let gguf: GGUFFile?
    let embedding: LinearWeight
    let blocks: [LlamaBlock]
    let finalNorm: Tensor
    /// The LM head: `embedding` itself when the checkpoint ties them.
    let output: LinearWeight

    /// Loads a `.gguf` file, or a folder holding config.json and model.safetensors.
    public static func load(path: String) throws -> LlamaModel {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try LlamaModel(folder: URL(fileURLWithPath: path))
        }
        return try LlamaModel(gguf: GGUFFile(path: path))
    }

    /// Uses the GGUF tensors in place: quantised matrices are never expanded.
    public init(gguf: GGUFFile) throws {
        let c = try LlamaConfiguration(gguf: gguf)
        configuration = c
        source = gguf.path
        self.gguf = gguf
        func info(_ role: LlamaWeightRole, _ layer: Int, _ shape: [Int]) throws -> GGUFTensorInfo {
            let name = LlamaWeightNames.gguf(role, layer: layer)
            let t = try gguf.tensor(name)
            // GGUF lists dimensions innermost first: ne = [in, out].
            if t.ne != shape.reversed() {
                throw ModelError.shapeMismatch(file: gguf.path, tensor: name, expected: shape, found: t.ne.reversed())
            }
            return t
        }
        func vector(_ role: LlamaWeightRole, _ layer: Int, _ n: Int) throws -> Tensor {
            let t = try info(role, layer, [n])
            let out = Tensor(shape: [n])
            gguf.dequantize(t, rows: 0..<1, into: out.data)
            return out
        }
        func linear(_ role: LlamaWeightRole, _ layer: Int, rows: Int, cols: Int,
                    bias: LlamaWeightRole? = nil) throws -> LinearWeight {
            let t = try info(role, layer, [rows, cols])
            let b = try bias.map { try vector($0, layer, rows) }
            return LinearWeight(quantized: t.type, base: gguf.pointer(t), rows: rows, cols: cols, bias: b, owner: gguf)
        }
        embedding = try linear(.embedding, 0, rows: c.vocabularySize, cols: c.hiddenSize)
        finalNorm = try vector(.finalNorm, 0, c.hiddenSize)
        if gguf.tensors.contains(where: { $0.name == LlamaWeightNames.gguf(.output) }) {
            output = try linear(.output, 0, rows: c.vocabularySize, cols: c.hiddenSize)
        } else {
            output = embedding
        }
        blocks = try Self.blocks(c, linear: linear, vector: vector)
    }

    /// Loads a Hugging Face folder: config.json and model.safetensors (F32, F16 or BF16), converted
    /// to Float32 (so products use BLAS directly and adapters can be merged).
    public init(folder: URL) throws {
        let configURL = folder.appendingPathComponent("config.json")
        let configData: Data
        do { configData = try Data(contentsOf: configURL) } catch {
            throw ModelError.missingSetting(file: configURL.path, key: "(file)", expected: "a readable config.json")
        }
        let c = try LlamaConfiguration(configJSON: configData, file: configURL.path)
        configuration = c
        source = folder.path
        gguf = nil
        let weights = try SafetensorsFile(path: folder.appendingPathComponent("model.safetensors").path)
        func tensor(_ role: LlamaWeightRole, _ layer: Int, _ shape: [Int]) throws -> Tensor {
            let name = LlamaWeightNames.huggingFace(role, layer: layer)
            let t = try weights.tensor(name)
            if t.shape != shape {
                throw ModelError.shapeMismatch(file: weights.path, tensor: name, expected: shape, found: t.shape)
            }
            let out = Tensor(shape: shape)
            try weights.floats(name, into: out.data)
            return out
        }
        func linear(_ role: LlamaWeightRole, _ layer: Int, rows: Int, cols: Int,
                    bias: LlamaWeightRole? = nil) throws -> LinearWeight {
            LinearWeight(float: try tensor(role, layer, [rows, cols]), bias: try bias.map { try tensor($0, layer, [rows]) })
        }
        embedding = try linear(.embedding, 0, rows: c.vocabularySize, cols: c.hiddenSize)
        finalNorm = try tensor(.finalNorm, 0, [c.hiddenSize])
        if weights.tensors.contains(where: { $0.name == LlamaWeightNames.huggingFace(.output) }) {
            output = try linear(.output, 0, rows: c.vocabularySize, cols: c.hiddenSize)
        } else {
            output = embedding
        }
        blocks = try Self.blocks(c, linear: linear, vector: { try tensor($0, $1, [$2]) })
    }

    /// The blocks of either checkpoint format, from its way of reading a projection (role, layer,
    /// rows, cols, bias role) and a vector (role, layer, length).
    private static func blocks(
        _ c: LlamaConfiguration,
        linear: (LlamaWeightRole, Int, Int, Int, LlamaWeightRole?) throws -> LinearWeight,
        vector: (LlamaWeightRole, Int, Int) throws -> Tensor
    ) throws -> [LlamaBlock] {
        try (0..<c.layerCount).map { l in
            let bias = c.attentionBias
            let attention = LlamaAttention(
                query: try linear(.query, l, c.queryDim, c.hiddenSize, bias ? .queryBias : nil),
                key: try linear(.key, l, c.kvDim, c.hiddenSize, bias ? .keyBias : nil),
                value: try linear(.value, l, c.kvDim, c.hiddenSize, bias ? .valueBias : nil),
                output: try linear(.attentionOutput, l, c.hiddenSize, c.queryDim, nil),
                headCount: c.headCount, kvHeadCount: c.kvHeadCount, headDim: c.headDim)
            let mlp = LlamaMLP(gate: try linear(.gate, l, c.intermediateSize, c.hiddenSize, nil),
                               up: try linear(.up, l, c.intermediateSize, c.hiddenSize, nil),
                               down: try linear(.down, l, c.hiddenSize, c.intermediateSize, nil))
            return LlamaBlock(attentionNorm: try vector(.attentionNorm, l, c.hiddenSize), attention: attention,
                              ffnNorm: try vector(.ffnNorm, l, c.hiddenSize), mlp: mlp, eps: c.rmsNormEps)
        }
    }

    /// A new session with an empty cache for up to `contextLength` tokens (default: the model's
    /// trained context, capped at 4096 as `generate` documents; cache pages are committed only as
    /// positions fill), running prefill in chunks of `batchSize` tokens.
    public func makeSession(contextLength: Int? = nil, batchSize: Int = 128) throws -> LlamaSession {
        let context = contextLength ?? min(configuration.contextLength, 4096)
        guard context > 0 else {
            throw ModelError.invalidSetting(file: source, key: "context length", found: String(context), expected: "at least 1")
        }
        return LlamaSession(model: self, contextLength: context, batchSize: max(1, batchSize))
    }

    /// The projection `role` of block `layer`.
    func linear(_ role: LlamaWeightRole, layer: Int) -> LinearWeight? {
        guard layer >= 0 && layer < blocks.count else { return nil }
        let b = blocks[layer]
        switch role {
        case .query: return b.attention.query
        case .key: return b.attention.key
        case .value: return b.attention.value
        case .attentionOutput: return b.attention.output
        case .gate: return b.mlp.gate
        case .up: return b.mlp.up
        case .down: return b.mlp.down
        default: return nil
        }
    }

    /// The largest rank among attached adapters (0 without any), for sizing session scratch.
    var adapterRank = 0
}
