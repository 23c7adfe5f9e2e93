// Checkpoint tensor names, in one place: llama.cpp's GGUF names and Hugging Face's names.

/// The tensors of a Llama-family checkpoint, by role.
public enum LlamaWeightRole: CaseIterable, Sendable {
    // Model-wide.
    case embedding, finalNorm, output
    // Per block.
    case attentionNorm, query, key, value, attentionOutput
    case queryBias, keyBias, valueBias
    case ffnNorm, gate, up, down
}

/// Maps roles to checkpoint names.
public enum LlamaWeightNames {
    /// llama.cpp's name (`blk.3.attn_q.weight`).
    public static func gguf(_ role: LlamaWeightRole, layer: Int = 0) -> String {
        let b = "blk.\(layer)."
        switch role {
        case .embedding: return "token_embd.weight"
        case .finalNorm: return "output_norm.weight"
        case .output: return "output.weight"
        case .attentionNorm: return b + "attn_norm.weight"
        case .query: return b + "attn_q.weight"
        case .key: return b + "attn_k.weight"
        case .value: return b + "attn_v.weight"
        case .attentionOutput: return b + "attn_output.weight"
        case .queryBias: return b + "attn_q.bias"
        case .keyBias: return b + "attn_k.bias"
        case .valueBias: return b + "attn_v.bias"
        case .ffnNorm: return b + "ffn_norm.weight"
        case .gate: return b + "ffn_gate.weight"
        case .up: return b + "ffn_up.weight"
        case .down: return b + "ffn_down.weight"
        }
    }

    /// Hugging Face's name (`model.layers.3.self_attn.q_proj.weight`).
    public static func huggingFace(_ role: LlamaWeightRole, layer: Int = 0) -> String {
        let b = "model.layers.\(layer)."
        switch role {
        case .embedding: return "model.embed_tokens.weight"
        case .finalNorm: return "model.norm.weight"
        case .output: return "lm_head.weight"
        case .attentionNorm: return b + "input_layernorm.weight"
        case .query: return b + "self_attn.q_proj.weight"
        case .key: return b + "self_attn.k_proj.weight"
        case .value: return b + "self_attn.v_proj.weight"
        case .attentionOutput: return b + "self_attn.o_proj.weight"
        case .queryBias: return b + "self_attn.q_proj.bias"
        case .keyBias: return b + "self_attn.k_proj.bias"
        case .valueBias: return b + "self_attn.v_proj.bias"
        case .ffnNorm: return b + "post_attention_layernorm.weight"
        case .gate: return b + "mlp.gate_proj.weight"
        case .up: return b + "mlp.up_proj.weight"
        case .down: return b + "mlp.down_proj.weight"
        }
    }

    /// The module name PEFT adapters target for a projection role (`q_proj`), or nil.
    public static func peftModule(_ role: LlamaWeightRole) -> String? {
        switch role {
        case .query: "q_proj"
        case .key: "k_proj"
        case .value: "v_proj"
        case .attentionOutput: "o_proj"
        case .gate: "gate_proj"
        case .up: "up_proj"
        case .down: "down_proj"
        default: nil
        }
    }

    /// The projection roles of a block, in forward order.
    public static let projections: [LlamaWeightRole] = [.query, .key, .value, .attentionOutput, .gate, .up, .down]
}
