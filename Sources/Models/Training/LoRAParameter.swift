// One trainable LoRA pair of a projection, with its gradients and AdamW moments.

import TensorCore

/// The A and B matrices of one adapted projection, as the trainer computes with them.
///
/// B's rows follow the base weight's row order in memory, which for GGUF q/k projections is
/// llama.cpp's permuted order; `PEFTAdapterFolder` converts to and from PEFT's (Hugging Face's)
/// order at the file boundary.
public final class LoRAParameter: @unchecked Sendable {
    public let layer: Int
    public let role: LlamaWeightRole
    /// [rank, in].
    public let a: Tensor
    /// [out, rank].
    public let b: Tensor
    /// ∂loss/∂A and ∂loss/∂B, accumulated by the backward pass and zeroed per step.
    public let gradA: Tensor
    public let gradB: Tensor
    /// AdamW's first and second moments, [A elements then B elements].
    let m: Tensor
    let v: Tensor

    public var rank: Int { a.shape[0] }
    public var inputs: Int { a.shape[1] }
    public var outputs: Int { b.shape[0] }

    init(layer: Int, role: LlamaWeightRole, rank: Int, inputs: Int, outputs: Int) {
        self.layer = layer
        self.role = role
        a = Tensor(rows: rank, cols: inputs)
        b = Tensor(rows: outputs, cols: rank)
        gradA = Tensor(rows: rank, cols: inputs)
        gradB = Tensor(rows: outputs, cols: rank)
        m = Tensor(shape: [rank * (inputs + outputs)])
        v = Tensor(shape: [rank * (inputs + outputs)])
    }

    /// PEFT's key stem: `base_model.model.model.layers.N.self_attn.q_proj`.
    public var peftStem: String {
        let block = role == .gate || role == .up || role == .down ? "mlp" : "self_attn"
        return "base_model.model.model.layers.\(layer).\(block).\(LlamaWeightNames.peftModule(role)!)"
    }

    func zeroGradients() {
        gradA.zero()
        gradB.zero()
    }
}
