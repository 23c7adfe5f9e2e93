import Foundation
import ModelFiles
import Models
import TensorCore
import Testing

/// A Hugging Face folder (config.json + model.safetensors, rotate-half RoPE, q/k in HF row order)
/// and a GGUF of the same random weights (q/k rows permuted for adjacent-pair RoPE as llama.cpp's
/// converter does; Qwen2 keeps HF order) give the same logits.
@Suite struct LlamaSafetensorsTests {
    static let hidden = 64, heads = 4, kvHeads = 2, headDim = 16, ffn = 96, layers = 2, vocab = 128

    struct Variant: CustomTestStringConvertible, Sendable {
        var architecture: String
        var projectionType: GGMLType
        var testDescription: String { "\(architecture) \(projectionType)" }
    }

    static let variants = [Variant(architecture: "llama", projectionType: .f32),
                           Variant(architecture: "llama", projectionType: .q8_0),
                           Variant(architecture: "qwen2", projectionType: .f32)]

    @Test(arguments: variants) func folderAndGGUFAgree(variant: Variant) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("llama-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ggufPath = folder.appendingPathComponent("model.gguf").path
        try Self.write(variant, folder: folder, gguf: ggufPath)

        let hf = try LlamaModel.load(path: folder.path)
        let gguf = try LlamaModel.load(path: ggufPath)
        #expect(hf.configuration.attentionBias == (variant.architecture == "qwen2"))
        let tokens: [Int32] = [3, 17, 99, 5, 64, 127, 0, 42]
        let a = try hf.makeSession(contextLength: 16), b = try gguf.makeSession(contextLength: 16)
        var worst: Float = 0, magnitude: Float = 0
        // Prefill of the first five, then decoding one by one: both paths of both loaders.
        for chunk in [Array(tokens[0..<5]), [tokens[5]], [tokens[6]], [tokens[7]]] {
            let x = Array(try a.append(chunk)), y = Array(try b.append(chunk))
            for i in 0..<x.count {
                worst = max(worst, abs(x[i] - y[i]))
                magnitude = max(magnitude, abs(x[i]))
            }
        }
        #expect(magnitude > 0.1)
        #expect(worst <= 1e-4 * max(1, magnitude), "max abs diff \(worst) over logits up to \(magnitude)")
    }

    /// Writes the folder's config.json and model.safetensors and the GGUF at `gguf`.
    static func write(_ v: Variant, folder: URL, gguf path: String) throws {
        var rng = SplitMix(11)
        func random(_ n: Int, _ scale: Float) -> [Float] { (0..<n).map { _ in rng.uniform() * scale } }
        let qwen = v.architecture == "qwen2"
        let config: [String: Any] = [
            "model_type": v.architecture, "hidden_size": hidden, "intermediate_size": ffn,
            "num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kvHeads,
            "vocab_size": vocab, "max_position_embeddings": 64, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
            "tie_word_embeddings": true,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))

        var st = SafetensorsWriter()
        var gg = GGUFWriter()
        let arch = v.architecture
        try gg.set("general.architecture", .string(arch))
        for (key, value) in [("embedding_length", hidden), ("feed_forward_length", ffn), ("block_count", layers),
                             ("attention.head_count", heads), ("attention.head_count_kv", kvHeads),
                             ("context_length", 64)] {
            try gg.set("\(arch).\(key)", .uint32(UInt32(value)))
        }
        try gg.set("\(arch).rope.freq_base", .float32(10000))
        try gg.set("\(arch).attention.layer_norm_rms_epsilon", .float32(1e-5))

        /// A weight [rows, cols]: rounded through the projection type so both files hold the same values.
        func add(_ role: LlamaWeightRole, _ layer: Int, rows: Int, cols: Int, scale: Float,
                 type: GGMLType = .f32, permuteHeads: Int? = nil) throws {
            var w = random(rows * cols, scale)
            if type != .f32 { w = type.dequantize(type.quantize(w), count: w.count) }
            try st.add(name: LlamaWeightNames.huggingFace(role, layer: layer), floats: w, shape: [rows, cols])
            var g = w
            if let h = permuteHeads, !qwen {
                // GGUF row h·d + 2i + p holds HF row h·d + p·d/2 + i.
                let d = rows / h
                for head in 0..<h {
                    for i in 0..<(d / 2) {
                        for p in 0..<2 {
                            let dst = (head * d + 2 * i + p) * cols, src = (head * d + p * d / 2 + i) * cols
                            for c in 0..<cols { g[dst + c] = w[src + c] }
                        }
                    }
                }
            }
            let ne = rows == 1 ? [cols] : [cols, rows]
            try gg.add(name: LlamaWeightNames.gguf(role, layer: layer), type: type, ne: ne,
                       bytes: type == .f32 ? g.withUnsafeBytes { Array($0) } : type.quantize(g))
        }
        func addVector(_ role: LlamaWeightRole, _ layer: Int, _ n: Int, around: Float, scale: Float) throws {
            let w = random(n, scale).map { $0 + around }
            try st.add(name: LlamaWeightNames.huggingFace(role, layer: layer), floats: w, shape: [n])
            try gg.add(name: LlamaWeightNames.gguf(role, layer: layer), floats: w, ne: [n])
        }
        try add(.embedding, 0, rows: vocab, cols: hidden, scale: 1)
        try addVector(.finalNorm, 0, hidden, around: 1, scale: 0.1)
        let t = v.projectionType
        for l in 0..<layers {
            try addVector(.attentionNorm, l, hidden, around: 1, scale: 0.1)
            try addVector(.ffnNorm, l, hidden, around: 1, scale: 0.1)
            try add(.query, l, rows: heads * headDim, cols: hidden, scale: 0.3, type: t, permuteHeads: heads)
            try add(.key, l, rows: kvHeads * headDim, cols: hidden, scale: 0.3, type: t, permuteHeads: kvHeads)
            try add(.value, l, rows: kvHeads * headDim, cols: hidden, scale: 0.3, type: t)
            try add(.attentionOutput, l, rows: hidden, cols: heads * headDim, scale: 0.2, type: t)
            try add(.gate, l, rows: ffn, cols: hidden, scale: 0.2, type: t)
            try add(.up, l, rows: ffn, cols: hidden, scale: 0.2, type: t)
            try add(.down, l, rows: hidden, cols: ffn, scale: 0.2, type: t)
            if qwen {
                try addVector(.queryBias, l, heads * headDim, around: 0, scale: 0.5)
                try addVector(.keyBias, l, kvHeads * headDim, around: 0, scale: 0.5)
                try addVector(.valueBias, l, kvHeads * headDim, around: 0, scale: 0.5)
            }
        }
        try st.write(toPath: folder.appendingPathComponent("model.safetensors").path)
        try gg.write(toPath: path)
    }
}
