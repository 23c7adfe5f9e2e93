// The activations one training step saves in its forward pass for its backward pass.

import TensorCore

/// What the backward pass of one block reads, for every token of the batch (rows are tokens of
/// all sequences one after another).
final class BlockActivations {
    /// The block's input (residual stream) and its attention-norm output and 1/rms.
    let input: Tensor, rstd1: Tensor, normed1: Tensor
    /// Queries and keys after RoPE, values.
    let query: Tensor, key: Tensor, value: Tensor
    /// Attention probabilities: per sequence, per head, a causal [length, length] block.
    let probabilities: Tensor
    /// Concatenated head outputs (the output projection's input).
    let attended: Tensor
    /// The residual after attention, its MLP-norm output and 1/rms.
    let middle: Tensor, rstd2: Tensor, normed2: Tensor
    /// Gate and up projections, and silu(gate)·up (the down projection's input).
    let gate: Tensor, up: Tensor, hidden: Tensor
    /// x·Aᵀ of each adapted projection, by index in `LlamaWeightNames.projections` ([tokens, rank]).
    let loraInputs: [Tensor?]

    init(_ c: LlamaConfiguration, tokens t: Int, probabilityFloats: Int, rank: Int, adapted: [Bool]) {
        input = Tensor(rows: t, cols: c.hiddenSize)
        rstd1 = Tensor(shape: [t])
        normed1 = Tensor(rows: t, cols: c.hiddenSize)
        query = Tensor(rows: t, cols: c.queryDim)
        key = Tensor(rows: t, cols: c.kvDim)
        value = Tensor(rows: t, cols: c.kvDim)
        probabilities = Tensor(shape: [max(1, probabilityFloats)])
        attended = Tensor(rows: t, cols: c.queryDim)
        middle = Tensor(rows: t, cols: c.hiddenSize)
        rstd2 = Tensor(shape: [t])
        normed2 = Tensor(rows: t, cols: c.hiddenSize)
        gate = Tensor(rows: t, cols: c.intermediateSize)
        up = Tensor(rows: t, cols: c.intermediateSize)
        hidden = Tensor(rows: t, cols: c.intermediateSize)
        loraInputs = adapted.map { $0 ? Tensor(rows: t, cols: rank) : nil }
    }
}

/// All saved activations and the backward pass's scratch, sized for `tokens` tokens and
/// `probabilityFloats` attention probabilities; reused while a batch fits.
final class TrainingActivations {
    let tokens: Int
    let probabilityFloats: Int
    let blocks: [BlockActivations]
    /// The last block's output, and the final norm's output and 1/rms.
    let final: Tensor, finalRstd: Tensor, finalNormed: Tensor
    // Backward scratch.
    let dResidual: Tensor, dNormed: Tensor, delta: Tensor
    let dHidden: Tensor, dGate: Tensor, dUp: Tensor
    let dAttended: Tensor, dQuery: Tensor, dQueryPre: Tensor
    let dKey: Tensor, dKeyPre: Tensor, dValue: Tensor
    let dLoRA: Tensor

    init(_ c: LlamaConfiguration, tokens t: Int, probabilityFloats: Int, rank: Int, adapted: [Bool]) {
        tokens = t
        self.probabilityFloats = probabilityFloats
        blocks = (0..<c.layerCount).map { _ in
            BlockActivations(c, tokens: t, probabilityFloats: probabilityFloats, rank: rank, adapted: adapted)
        }
        final = Tensor(rows: t, cols: c.hiddenSize)
        finalRstd = Tensor(shape: [t])
        finalNormed = Tensor(rows: t, cols: c.hiddenSize)
        dResidual = Tensor(rows: t, cols: c.hiddenSize)
        dNormed = Tensor(rows: t, cols: c.hiddenSize)
        delta = Tensor(rows: t, cols: c.hiddenSize)
        dHidden = Tensor(rows: t, cols: c.intermediateSize)
        dGate = Tensor(rows: t, cols: c.intermediateSize)
        dUp = Tensor(rows: t, cols: c.intermediateSize)
        dAttended = Tensor(rows: t, cols: c.queryDim)
        dQuery = Tensor(rows: t, cols: c.queryDim)
        dQueryPre = Tensor(rows: t, cols: c.queryDim)
        dKey = Tensor(rows: t, cols: c.kvDim)
        dKeyPre = Tensor(rows: t, cols: c.kvDim)
        dValue = Tensor(rows: t, cols: c.kvDim)
        dLoRA = Tensor(rows: t, cols: rank)
    }
}
