// PEFT's adapter folder (adapter_config.json + adapter_model.safetensors): written here, read
// through LoRAAdapter.

import Foundation
import ModelFiles
import TensorCore

/// Reads and writes LoRA adapters as Hugging Face PEFT saves them, so PEFT can load what lorag
/// trains and lorag can start from what PEFT trained.
///
/// PEFT's tensors are in Hugging Face's row order. llama.cpp's converter permutes the rows of
/// `attn_q`/`attn_k` so that RoPE rotates adjacent pairs, so for GGUF llama models the rows of
/// q/k `lora_B` are permuted the same way when read and back when written (see
/// shared/reference/smollm2/README.md: W_hf = W_gguf.reshape(heads, d/2, 2, in).swapaxes(1, 2)).
public enum PEFTAdapterFolder {
    public static let configName = "adapter_config.json"
    public static let weightsName = "adapter_model.safetensors"

    /// Whether the model's q/k rows are in llama.cpp's permuted order: the rule `LoRAAdapter`
    /// reads by, so that what `save` writes reads back unchanged.
    public static func permutesQueryKey(_ model: LlamaModel) -> Bool {
        model.configuration.ropeLayout == .adjacentPairs
    }

    /// Reads a PEFT folder (or a llama.cpp GGUF LoRA file) shaped for `model` through
    /// `LoRAAdapter.load`, the reader `generate --lora` uses, into trainable pairs.
    public static func load(_ path: String, for model: LlamaModel) throws -> TrainableAdapter {
        try TrainableAdapter(LoRAAdapter.load(path: path, for: model), configuration: model.configuration)
    }

    /// Writes `adapter` as a PEFT folder (created if needed; both files replaced).
    public static func save(_ adapter: TrainableAdapter, to folder: String, for model: LlamaModel,
                            baseModelName: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (key, tensor) in tensors(adapter, for: model) {
            try writer.add(name: key, floats: tensor.toArray(), shape: tensor.shape)
        }
        try writer.write(toPath: (folder as NSString).appendingPathComponent(weightsName))
        let config = configJSON(adapter, baseModelName: baseModelName)
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(configName)))
    }

    /// PEFT's key and Hugging Face-ordered values of every adapter tensor; with `gradients`, of
    /// ∂loss/∂A and ∂loss/∂B instead.
    public static func tensors(_ adapter: TrainableAdapter, for model: LlamaModel,
                               gradients: Bool = false) -> [(String, Tensor)] {
        let permute = permutesQueryKey(model)
        var out: [(String, Tensor)] = []
        for p in adapter.parameters {
            let a = gradients ? p.gradA : p.a, b = gradients ? p.gradB : p.b
            let bOut = Tensor(shape: b.shape)
            bOut.copy(from: b)
            if permute { permuteRows(bOut, role: p.role, model.configuration, toGGUF: false) }
            out.append(("\(p.peftStem).lora_A.weight", a))
            out.append(("\(p.peftStem).lora_B.weight", bOut))
        }
        return out
    }

    static func configJSON(_ adapter: TrainableAdapter, baseModelName: String) -> [String: Any] {
        let alpha: Any = adapter.alpha == adapter.alpha.rounded() ? Int(adapter.alpha) : Double(adapter.alpha)
        return [
            "alpha_pattern": [String: Any](), "base_model_name_or_path": baseModelName, "bias": "none",
            "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
            "layers_to_transform": NSNull(), "layers_pattern": NSNull(), "lora_alpha": alpha,
            "lora_dropout": 0.0, "modules_to_save": NSNull(), "peft_type": "LORA", "r": adapter.rank,
            "rank_pattern": [String: Any](), "revision": NSNull(),
            "target_modules": adapter.targets.map { LlamaWeightNames.peftModule($0)! },
            "task_type": "CAUSAL_LM", "use_dora": false, "use_rslora": false,
        ]
    }

    /// Moves the rows of a q/k `lora_B` between Hugging Face order (h, j, i) at h·d + j·d/2 + i
    /// and GGUF order at h·d + 2i + j. Other projections are left as they are.
    static func permuteRows(_ b: Tensor, role: LlamaWeightRole, _ c: LlamaConfiguration, toGGUF: Bool) {
        guard role == .query || role == .key else { return }
        let d = c.headDim, half = d / 2, cols = b.shape[1]
        let copy = b.toArray()
        for h in 0..<(b.shape[0] / d) {
            for i in 0..<half {
                for j in 0..<2 {
                    let hf = h * d + j * half + i, gguf = h * d + 2 * i + j
                    let (to, from) = toGGUF ? (gguf, hf) : (hf, gguf)
                    for col in 0..<cols { b.data[to * cols + col] = copy[from * cols + col] }
                }
            }
        }
    }
}
