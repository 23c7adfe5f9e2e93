// The scratch a session lends its linear layers.

import TensorCore

/// Scratch for `LinearWeight.apply`, allocated once per session.
final class LinearWorkspace: @unchecked Sendable {
    /// Per-block sums of the activation vector (in / 32 values).
    let sums: Tensor
    /// A slab of decoded weight rows for prefill.
    let dequantized: Tensor
    /// x · Aᵀ of an adapter: [tokens, rank].
    var lora: Tensor
    /// The threads that split one-token products by rows.
    let pool: WorkerPool
    /// The activation of a one-token product quantised to int16, when `integerProducts` is on.
    let activations: QuantizedActivations
    /// Whether one-token products of Q4_1/Q8_0 rows use int16 activations (see `LlamaSession`).
    var integerProducts = QuantizedActivations.isSupported

    /// Room for the largest input width, `slabFloats` decoded weights and adapters up to `rank`.
    init(maxInput: Int, slabFloats: Int, maxTokens: Int, rank: Int, threads: Int) {
        pool = WorkerPool(threads: threads)
        sums = Tensor(shape: [max(1, maxInput / 32)])
        activations = QuantizedActivations(capacity: (maxInput + 31) / 32 * 32)
        dequantized = Tensor(shape: [slabFloats])
        lora = Tensor(shape: [max(1, maxTokens * rank)])
    }

    /// Makes room for adapters of `rank` (called when adapters are attached, not per token).
    func reserveAdapterRank(_ rank: Int, maxTokens: Int) {
        if lora.count < maxTokens * rank { lora = Tensor(shape: [maxTokens * rank]) }
    }
}
