import Foundation
import ModelFiles
@testable import Models
import TensorCore
import Testing

/// A tiny Llama (hidden 64, 2 blocks, vocabulary 100, 4 query heads over 2 KV heads, FFN 88,
/// tied head) with seeded random weights, written as a Hugging Face folder and loaded from it.
func tinyLlama() throws -> LlamaModel {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-llama-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let config = """
        {"model_type": "llama", "hidden_size": 64, "intermediate_size": 88, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100, "max_position_embeddings": 64,
         "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": true}
        """
    try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
    var generator = SeededGenerator(seed: 7)
    func random(_ count: Int, _ scale: Float, around center: Float = 0) -> [Float] {
        (0..<count).map { _ in center + scale * Float(generator.nextUnitInterval() * 2 - 1) }
    }
    var writer = SafetensorsWriter()
    try writer.add(name: "model.embed_tokens.weight", floats: random(100 * 64, 1), shape: [100, 64])
    try writer.add(name: "model.norm.weight", floats: random(64, 0.2, around: 1), shape: [64])
    for l in 0..<2 {
        let shapes: [(LlamaWeightRole, [Int])] = [(.query, [64, 64]), (.key, [32, 64]), (.value, [32, 64]),
                                                  (.attentionOutput, [64, 64]), (.gate, [88, 64]), (.up, [88, 64]), (.down, [64, 88])]
        for (role, shape) in shapes {
            try writer.add(name: LlamaWeightNames.huggingFace(role, layer: l), floats: random(shape[0] * shape[1], 0.2), shape: shape)
        }
        try writer.add(name: LlamaWeightNames.huggingFace(.attentionNorm, layer: l), floats: random(64, 0.2, around: 1), shape: [64])
        try writer.add(name: LlamaWeightNames.huggingFace(.ffnNorm, layer: l), floats: random(64, 0.2, around: 1), shape: [64])
    }
    try writer.write(toPath: folder.appendingPathComponent("model.safetensors").path)
    return try LlamaModel.load(path: folder.path)
}

@Suite("LoRA gradients of a tiny Llama by finite differences")
struct TrainingGradientTests {
    /// Two sequences of odd lengths, the first learning only its last three tokens.
    static let batch = [
        TrainingSequence(ids: [3, 17, 42, 99, 0, 8, 51], labels: [-100, -100, -100, -100, 0, 8, 51]),
        TrainingSequence(ids: [64, 5, 23, 77, 12], labels: [-100, 5, 23, 77, 12]),
    ]

    @Test func gradientsMatchCentralDifferences() throws {
        let model = try tinyLlama()
        let adapter = TrainableAdapter(configuration: model.configuration, rank: 3, alpha: 5,
                                       targets: LlamaWeightNames.projections)
        var generator = SeededGenerator(seed: 11)
        adapter.initialise(using: &generator)
        // Non-zero B so that A's gradients are not zero either.
        for p in adapter.parameters {
            for i in 0..<p.b.count { p.b.data[i] = Float(generator.nextUnitInterval() * 0.4 - 0.2) }
        }
        let trainer = LoRATrainer(model: model, adapter: adapter)
        let (loss, tokens) = trainer.loss(Self.batch, gradients: true)
        #expect(tokens == 7 && loss.isFinite)
        let analytic = adapter.parameters.map { ($0.gradA.toArray(), $0.gradB.toArray()) }
        // Central differences in Float32: a step of 1e-2 keeps the rounding error of a loss near
        // 4.6 (≈ 5e-7 / 1e-2 = 5e-5) and the truncation error (∝ h²) both far below 2% of the
        // largest gradient element of a tensor.
        let h: Float = 1e-2
        for (index, p) in adapter.parameters.enumerated() {
            for (tensor, gradient) in [(p.a, analytic[index].0), (p.b, analytic[index].1)] {
                let scale = gradient.map(abs).max()!
                for e in Set([0, tensor.count / 2, tensor.count - 1, (index * 37) % tensor.count]) {
                    let saved = tensor.data[e]
                    tensor.data[e] = saved + h
                    let up = trainer.loss(Self.batch, gradients: false).loss
                    tensor.data[e] = saved - h
                    let down = trainer.loss(Self.batch, gradients: false).loss
                    tensor.data[e] = saved
                    let numeric = Float((up - down) / Double(2 * h))
                    #expect(abs(numeric - gradient[e]) <= 2e-2 * scale + 1e-4,
                            "layer \(p.layer) \(p.role) element \(e): analytic \(gradient[e]), numeric \(numeric)")
                }
            }
        }
    }

    @Test func adapterFolderRoundTripsInPEFTLayout() throws {
        let model = try LlamaTestFiles.smolLM()
        let adapter = hashedAdapter(model)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("peft-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try PEFTAdapterFolder.save(adapter, to: folder, for: model, baseModelName: "SmolLM2-135M-Instruct")
        let file = try SafetensorsFile(path: folder + "/adapter_model.safetensors")
        #expect(file.tensors.count == 420)
        let q = try file.tensor("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
        #expect(q.shape == [576, 8] && q.dtype == .f32)
        #expect(try file.tensor("base_model.model.model.layers.29.mlp.down_proj.lora_A.weight").shape == [8, 1536])
        #expect(try file.tensor("base_model.model.model.layers.3.self_attn.k_proj.lora_B.weight").shape == [192, 8])
        // On disk B is in Hugging Face order: the hash formula's values, un-permuted.
        let j = 0, e = 8 * 1 + 3   // parameter 0 (layer 0 q_proj), HF row 1, column 3
        let u = (e &* 2_246_822_519 &+ j &* 97 &+ 7) % 65536
        #expect(try file.floats(q.name)[e] == Float(u - 32768) * 0x1p-23)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/adapter_config.json"))) as? [String: Any]
        #expect(config?["peft_type"] as? String == "LORA" && config?["task_type"] as? String == "CAUSAL_LM")
        #expect(config?["r"] as? Int == 8 && config?["lora_alpha"] as? Int == 16)
        #expect(Set(config?["target_modules"] as? [String] ?? []) == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        let loaded = try PEFTAdapterFolder.load(folder, for: model)
        for (p, r) in zip(adapter.parameters, loaded.parameters) {
            #expect(p.a.toArray() == r.a.toArray() && p.b.toArray() == r.b.toArray())
        }
    }

    /// Loading goes through LoRAAdapter (generate's reader); an adapter whose blocks adapt
    /// different projections is readable for inference but not trainable as one set of pairs.
    @Test func adapterWithAPairMissingInOneBlockIsRefused() throws {
        let model = try LlamaTestFiles.smolLM()
        let adapter = hashedAdapter(model)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("peft-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (key, tensor) in PEFTAdapterFolder.tensors(adapter, for: model) where !key.contains("layers.7.mlp.up_proj") {
            try writer.add(name: key, floats: tensor.toArray(), shape: tensor.shape)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try writer.write(toPath: folder + "/adapter_model.safetensors")
        let config = PEFTAdapterFolder.configJSON(adapter, baseModelName: "SmolLM2-135M-Instruct")
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/adapter_config.json"))
        #expect(try LoRAAdapter.load(path: folder, for: model).entries.count == 209)
        let error = #expect(throws: TrainingError.self) { try PEFTAdapterFolder.load(folder, for: model) }
        #expect(error?.description.contains("blk.7.ffn_up") == true, "\(String(describing: error))")
    }

    @Test func adamWMatchesTorchsFormula() throws {
        let model = try tinyLlama()
        let adapter = TrainableAdapter(configuration: model.configuration, rank: 1, alpha: 1, targets: [.query])
        let p = adapter.parameters[0]
        p.a.data[0] = 0.5
        var adam = AdamW(settings: AdamWSettings(learningRate: 1e-3))
        var m = 0.0, v = 0.0, value = 0.5
        for (t, g) in [0.3, -0.1, 0.02].enumerated() {
            p.gradA.data[0] = Float(g)
            adam.update(adapter)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let step = Double(t + 1)
            value -= 1e-3 * (m / (1 - pow(0.9, step))) / ((v / (1 - pow(0.999, step))).squareRoot() + 1e-8)
            // Float32 state against a Double recomputation: a few ulps of 0.5.
            #expect(abs(Double(p.a.data[0]) - value) < 1e-6)
        }
        #expect(adam.step == 3)
    }
}
