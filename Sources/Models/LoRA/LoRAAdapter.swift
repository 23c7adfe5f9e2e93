// Low-rank adapters for a LlamaModel: read from a PEFT folder or a llama.cpp GGUF LoRA file,
// attached unmerged (out += scale · x·Aᵀ·Bᵀ) or merged into Float32 weights.

import Foundation
import ModelFiles
import TensorCore

/// The A/B pairs of one adapter, by block and projection, in the model's row order.
public struct LoRAAdapter: @unchecked Sendable {
    /// One adapted projection.
    public struct Entry: @unchecked Sendable {
        public let layer: Int
        public let role: LlamaWeightRole
        /// [rank, in] and [out, rank], Float32.
        public let a: Tensor
        public let b: Tensor
        /// lora_alpha / r (or alpha / √r with rsLoRA), before the user's scale.
        public let scale: Float
    }

    /// The file or folder it came from.
    public let source: String
    public let entries: [Entry]

    /// Loads a PEFT folder (adapter_config.json + adapter_model.safetensors) or a GGUF LoRA file,
    /// checking every tensor against `model`'s shapes.
    public static func load(path: String, for model: LlamaModel) throws -> LoRAAdapter {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError.adapterMismatch(file: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue { return try loadPEFT(folder: URL(fileURLWithPath: path), for: model) }
        return try loadGGUF(GGUFFile(path: path), for: model)
    }

    /// PEFT's layout: keys `base_model.model.model.layers.L.{self_attn,mlp}.P.lora_{A,B}.weight`,
    /// A [r, in], B [out, r], in Hugging Face row order. For a GGUF llama model the rows of B for
    /// q_proj/k_proj are permuted as llama.cpp's converter permutes q/k weights.
    static func loadPEFT(folder: URL, for model: LlamaModel) throws -> LoRAAdapter {
        let configURL = folder.appendingPathComponent("adapter_config.json")
        let file = configURL.path
        guard let data = try? Data(contentsOf: configURL),
              let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.missingSetting(file: file, key: "(file)", expected: "a readable JSON object")
        }
        if let type = config["peft_type"] as? String, type != "LORA" {
            throw ModelError.adapterMismatch(file: file, reason: "peft_type is \(type), expected LORA")
        }
        guard let r = (config["r"] as? NSNumber)?.intValue, r > 0 else {
            throw ModelError.missingSetting(file: file, key: "r", expected: "a positive integer")
        }
        guard let alpha = (config["lora_alpha"] as? NSNumber)?.floatValue else {
            throw ModelError.missingSetting(file: file, key: "lora_alpha", expected: "a number")
        }
        if let dora = config["use_dora"] as? Bool, dora {
            throw ModelError.adapterMismatch(file: file, reason: "DoRA adapters are not supported")
        }
        let rs = config["use_rslora"] as? Bool ?? false
        let scale = rs ? alpha / Float(r).squareRoot() : alpha / Float(r)
        let weights = try SafetensorsFile(path: folder.appendingPathComponent("adapter_model.safetensors").path)
        var pairs: [String: (a: String?, b: String?)] = [:]
        for t in weights.tensors {
            guard let range = t.name.range(of: ".lora_A.weight") ?? t.name.range(of: ".lora_B.weight") else {
                throw ModelError.adapterMismatch(file: weights.path, reason: "unexpected tensor '\(t.name)'")
            }
            let module = String(t.name[..<range.lowerBound])
            if t.name[range].contains("lora_A") { pairs[module, default: (nil, nil)].a = t.name } else { pairs[module, default: (nil, nil)].b = t.name }
        }
        var entries: [Entry] = []
        for (module, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            guard let aName = pair.a, let bName = pair.b else {
                throw ModelError.adapterMismatch(file: weights.path, reason: "'\(module)' lacks its lora_A or lora_B")
            }
            let (layer, role) = try peftTarget(module, file: weights.path)
            let a = try floats(weights, aName), b = try floats(weights, bName)
            let entry = try check(Entry(layer: layer, role: role, a: a, b: b, scale: scale), model: model, file: weights.path)
            entries.append(permutedForGGUF(entry, model: model))
        }
        if entries.isEmpty { throw ModelError.adapterMismatch(file: weights.path, reason: "no LoRA tensors") }
        return LoRAAdapter(source: folder.path, entries: entries)
    }

    /// llama.cpp's LoRA GGUF: `general.type` adapter, `adapter.type` lora, `adapter.lora.alpha`,
    /// tensors `blk.L.<name>.weight.lora_a` (ne [in, r]) and `.lora_b` (ne [r, out]), already in
    /// GGUF row order.
    static func loadGGUF(_ gguf: GGUFFile, for model: LlamaModel) throws -> LoRAAdapter {
        let file = gguf.path
        guard gguf.string("general.type") == "adapter", gguf.string("adapter.type") == "lora" else {
            throw ModelError.adapterMismatch(file: file, reason: "not a LoRA adapter (general.type/adapter.type are not adapter/lora)")
        }
        if let arch = gguf.string("general.architecture"), arch != model.configuration.architecture {
            throw ModelError.adapterMismatch(file: file, reason: "adapter is for '\(arch)', model is '\(model.configuration.architecture)'")
        }
        let alpha = gguf.double("adapter.lora.alpha").map(Float.init)
        var entries: [Entry] = []
        for layer in 0..<model.configuration.layerCount {
            for role in LlamaWeightNames.projections {
                let base = LlamaWeightNames.gguf(role, layer: layer)
                guard let aInfo = gguf.tensors.first(where: { $0.name == base + ".lora_a" }) else { continue }
                guard let bInfo = gguf.tensors.first(where: { $0.name == base + ".lora_b" }) else {
                    throw ModelError.adapterMismatch(file: file, reason: "'\(base).lora_a' has no lora_b")
                }
                func tensor(_ info: GGUFTensorInfo) -> Tensor {
                    let t = Tensor(rows: info.rowCount, cols: info.rowLength)
                    gguf.dequantize(info, rows: 0..<info.rowCount, into: t.data)
                    return t
                }
                let a = tensor(aInfo), b = tensor(bInfo)
                let rank = a.shape[0]
                let scale = (alpha ?? Float(rank)) / Float(rank)
                entries.append(try check(Entry(layer: layer, role: role, a: a, b: b, scale: scale), model: model, file: file))
            }
        }
        let known = Set(entries.map { LlamaWeightNames.gguf($0.role, layer: $0.layer) })
        for t in gguf.tensors {
            let base = t.name.replacingOccurrences(of: ".lora_a", with: "").replacingOccurrences(of: ".lora_b", with: "")
            if !known.contains(base) {
                throw ModelError.adapterMismatch(file: file, reason: "tensor '\(t.name)' targets nothing in this model")
            }
        }
        if entries.isEmpty { throw ModelError.adapterMismatch(file: file, reason: "no LoRA tensors") }
        return LoRAAdapter(source: file, entries: entries)
    }

    /// (layer, role) of a PEFT module name such as `base_model.model.model.layers.3.self_attn.q_proj`.
    static func peftTarget(_ module: String, file: String) throws -> (Int, LlamaWeightRole) {
        let parts = module.split(separator: ".")
        if let i = parts.firstIndex(of: "layers"), i + 1 < parts.count, let layer = Int(parts[i + 1]),
           let last = parts.last,
           let role = LlamaWeightNames.projections.first(where: { LlamaWeightNames.peftModule($0) == String(last) }) {
            return (layer, role)
        }
        throw ModelError.adapterMismatch(file: file, reason: "module '\(module)' is not a Llama block projection")
    }

    static func floats(_ file: SafetensorsFile, _ name: String) throws -> Tensor {
        let t = try file.tensor(name)
        guard t.shape.count == 2 else {
            throw ModelError.adapterMismatch(file: file.path, reason: "'\(name)' has shape \(t.shape), expected a matrix")
        }
        let out = Tensor(rows: t.shape[0], cols: t.shape[1])
        try file.floats(name, into: out.data)
        return out
    }

    /// Fails unless A is [r, in] and B is [out, r] for the targeted weight.
    static func check(_ e: Entry, model: LlamaModel, file: String) throws -> Entry {
        let name = LlamaWeightNames.gguf(e.role, layer: e.layer)
        guard let weight = model.linear(e.role, layer: e.layer) else {
            throw ModelError.adapterMismatch(file: file, reason: "block \(e.layer) does not exist (the model has \(model.configuration.layerCount))")
        }
        let rank = e.a.shape[0]
        if e.a.shape != [rank, weight.cols] || e.b.shape != [weight.rows, rank] {
            throw ModelError.adapterMismatch(file: file, reason: "\(name): A \(e.a.shape), B \(e.b.shape) do not fit a \(weight.rows)×\(weight.cols) weight (expected A [r, \(weight.cols)], B [\(weight.rows), r])")
        }
        return e
    }

    /// B rows of q/k reordered from Hugging Face's rotate-half order into GGUF's adjacent pairs:
    /// GGUF row h·d + 2i + p holds HF row h·d + p·d/2 + i (the inverse of the README's un-permutation).
    static func permutedForGGUF(_ e: Entry, model: LlamaModel) -> Entry {
        let c = model.configuration
        guard c.ropeLayout == .adjacentPairs, e.role == .query || e.role == .key else { return e }
        let heads = e.role == .query ? c.headCount : c.kvHeadCount, d = c.headDim, rank = e.b.shape[1]
        let b = Tensor(rows: e.b.shape[0], cols: rank)
        for h in 0..<heads {
            for i in 0..<(d / 2) {
                for p in 0..<2 {
                    b.row(h * d + 2 * i + p).update(from: e.b.row(h * d + p * (d / 2) + i), count: rank)
                }
            }
        }
        return Entry(layer: e.layer, role: e.role, a: e.a, b: b, scale: e.scale)
    }
}

extension LlamaModel {
    /// Adds `adapter` to every weight it targets, scaled by `scale` on top of its own alpha/r,
    /// without touching the base weights. Sessions made before still see it (weights are shared).
    public func attach(_ adapter: LoRAAdapter, scale: Float = 1) {
        for e in adapter.entries {
            linear(e.role, layer: e.layer)?.attach(LoRAPath(a: e.a, b: e.b, scale: e.scale * scale))
            adapterRank = max(adapterRank, e.a.shape[0])
        }
    }

    /// Folds every attached adapter into Float32 copies of the weights it targets (`--merge`):
    /// products become plain BLAS calls again; quantised targets are decoded (4 bytes per weight).
    public func mergeAdapters() {
        for l in 0..<configuration.layerCount {
            for role in LlamaWeightNames.projections { linear(role, layer: l)?.mergeAdapters() }
        }
    }

    /// Removes every unmerged adapter.
    public func detachAdapters() {
        for l in 0..<configuration.layerCount {
            for role in LlamaWeightNames.projections { linear(role, layer: l)?.detachAdapters() }
        }
    }
}
