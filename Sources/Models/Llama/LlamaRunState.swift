// The activations and scratch of one session, allocated once (llama2.c's "run state").

import TensorCore

/// Buffers for up to `capacity` tokens per forward pass; nothing is allocated per token.
final class LlamaRunState: @unchecked Sendable {
    /// Tokens processed together in one forward pass (prefill is split into chunks of this size).
    let capacity: Int
    /// Residual stream [capacity, hidden].
    let x: Tensor
    /// RMS-normalised rows [capacity, hidden].
    let normed: Tensor
    /// Block outputs added to the residual [capacity, hidden].
    let delta: Tensor
    /// Queries and attention outputs [capacity, heads · headDim].
    let query: Tensor
    let attended: Tensor
    /// MLP gate and up projections [capacity, ffn].
    let gate: Tensor
    let up: Tensor
    /// Attention scores of one head [capacity, context].
    let scores: Tensor
    /// Logits of the last position [vocabulary].
    let logits: Tensor
    let linear: LinearWorkspace

    init(configuration c: LlamaConfiguration, context: Int, capacity: Int, adapterRank: Int) {
        self.capacity = capacity
        x = Tensor(rows: capacity, cols: c.hiddenSize)
        normed = Tensor(rows: capacity, cols: c.hiddenSize)
        delta = Tensor(rows: capacity, cols: c.hiddenSize)
        query = Tensor(rows: capacity, cols: c.queryDim)
        attended = Tensor(rows: capacity, cols: c.queryDim)
        gate = Tensor(rows: capacity, cols: c.intermediateSize)
        up = Tensor(rows: capacity, cols: c.intermediateSize)
        scores = Tensor(rows: capacity, cols: context)
        logits = Tensor(shape: [c.vocabularySize])
        let widest = max(c.hiddenSize, c.intermediateSize, c.queryDim)
        // A slab of about 4 MB of decoded weights: large enough for BLAS to run at full speed,
        // small next to the model.
        linear = LinearWorkspace(maxInput: widest, slabFloats: max(widest, 1 << 20),
                                 maxTokens: capacity, rank: adapterRank, threads: Threads.count)
    }
}
