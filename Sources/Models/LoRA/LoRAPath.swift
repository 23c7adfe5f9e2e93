// One adapter path as a linear layer applies it.

import TensorCore

/// A low-rank adapter path on a linear layer: out += scale · (x · Aᵀ) · Bᵀ.
public struct LoRAPath: @unchecked Sendable {
    /// [rank, in].
    public let a: Tensor
    /// [out, rank].
    public let b: Tensor
    public let scale: Float
    public var rank: Int { a.shape[0] }

    public init(a: Tensor, b: Tensor, scale: Float) {
        precondition(a.shape.count == 2 && b.shape.count == 2 && a.shape[0] == b.shape[1],
                     "LoRA path: A \(a.shape) and B \(b.shape) do not share a rank")
        self.a = a
        self.b = b
        self.scale = scale
    }
}
