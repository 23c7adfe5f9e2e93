// Forward and backward passes of a Llama decoder with LoRA pairs, for training the pairs.

import Foundation
import TensorCore

/// Computes the token-level mean cross entropy of a batch and its gradient with respect to every
/// LoRA matrix (llm.c's layout: one forward pass saving activations, one backward pass).
///
/// The base weights are frozen and decoded to Float32 once, so every product is one sgemm (with
/// transpose flags for the backward pass). Sequences are processed unpadded and concatenated:
/// right padding cannot change a real position under a causal mask, so this equals a padded
/// batch's loss while skipping the padding's work.
public final class LoRATrainer: @unchecked Sendable {
    public let model: LlamaModel
    public let adapter: TrainableAdapter
    let configuration: LlamaConfiguration
    /// [vocabulary, hidden]: the token table, also the tied LM head.
    let embedding: Tensor
    /// The LM head when the checkpoint has its own.
    let output: Tensor?
    /// [layer][projection index]: the frozen projection weights, [out, in].
    let weights: [[Tensor]]
    private var activations: TrainingActivations?
    private(set) var rope: Rope

    public init(model: LlamaModel, adapter: TrainableAdapter) {
        let c = model.configuration
        self.model = model
        self.adapter = adapter
        configuration = c
        func decode(_ w: LinearWeight) -> Tensor {
            let t = Tensor(rows: w.rows, cols: w.cols)
            Threads.forEachChunk(of: w.rows, elementsPerItem: w.cols) { range in
                w.rows(range, into: t.row(range.lowerBound))
            }
            return t
        }
        embedding = decode(model.embedding)
        output = model.output === model.embedding ? nil : decode(model.output)
        weights = (0..<c.layerCount).map { l in
            LlamaWeightNames.projections.map { decode(model.linear($0, layer: l)!) }
        }
        rope = Rope(headDim: c.headDim, theta: c.ropeTheta, maxPositions: 1, layout: c.ropeLayout)
    }

    /// The mean loss over the batch's labelled tokens and their number. With `gradients`, the
    /// adapter's gradients are set to ∂loss/∂A and ∂loss/∂B (they are zeroed first).
    public func loss(_ batch: [TrainingSequence], gradients: Bool) -> (loss: Double, tokens: Int) {
        let c = configuration
        let lengths = batch.map(\.ids.count)
        let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
        let total = offsets.last!
        let probabilityFloats = lengths.reduce(0) { $0 + c.headCount * $1 * $1 }
        let longest = lengths.max() ?? 0
        if gradients { adapter.zeroGradients() }
        guard total > 0 else { return (0, 0) }
        let acts = workspace(tokens: total, probabilityFloats: probabilityFloats)
        if rope.maxPositions < longest {
            rope = Rope(headDim: c.headDim, theta: c.ropeTheta, maxPositions: longest, layout: c.ropeLayout)
        }
        let x = acts.blocks[0].input.matrix.rows(0..<total)
        for (b, sequence) in batch.enumerated() {
            for (i, id) in sequence.ids.enumerated() {
                precondition(id >= 0 && id < c.vocabularySize, "token id \(id) outside the vocabulary")
                x.row(offsets[b] + i).update(from: embedding.row(id), count: c.hiddenSize)
            }
        }
        let spans = zip(offsets, lengths).map { (start: $0, length: $1) }
        for l in 0..<c.layerCount {
            let out = l + 1 < c.layerCount ? acts.blocks[l + 1].input : acts.final
            forwardBlock(l, acts.blocks[l], out: out.matrix.rows(0..<total), spans: spans, scratch: acts)
        }
        let finalNormed = acts.finalNormed.matrix.rows(0..<total)
        RMSNorm.forward(finalNormed, rstd: acts.finalRstd.data, acts.final.matrix.rows(0..<total),
                        weight: model.finalNorm.data, eps: c.rmsNormEps)

        // Positions whose next token is labelled: only their logits are ever computed.
        var rows: [Int] = [], targets: [Int] = []
        for (b, sequence) in batch.enumerated() {
            for t in 0..<max(0, sequence.ids.count - 1) where sequence.labels[t + 1] != TrainingSequence.ignoredLabel {
                rows.append(offsets[b] + t)
                targets.append(sequence.labels[t + 1])
            }
        }
        guard !rows.isEmpty else { return (0, 0) }
        let head = (output ?? embedding).matrix
        let n = rows.count, vocabulary = head.rows
        let selected = Tensor(rows: n, cols: c.hiddenSize)
        for (i, r) in rows.enumerated() { selected.row(i).update(from: finalNormed.row(r), count: c.hiddenSize) }
        let logits = Tensor(rows: n, cols: vocabulary)
        BLAS.gemm(logits.matrix, selected.matrix, head, transposeB: true)
        let loss = CrossEntropy.meanLoss(logits.matrix, targets: targets, gradient: gradients)
        guard gradients else { return (loss, n) }

        // logits now hold ∂loss/∂logits.
        BLAS.gemm(selected.matrix, logits.matrix, head)
        let dNormed = acts.dNormed.matrix.rows(0..<total)
        dNormed.base.update(repeating: 0, count: total * c.hiddenSize)
        for (i, r) in rows.enumerated() { dNormed.row(r).update(from: selected.row(i), count: c.hiddenSize) }
        let dx = acts.dResidual.matrix.rows(0..<total)
        dx.base.update(repeating: 0, count: total * c.hiddenSize)
        RMSNorm.backward(dx, dweight: nil, dNormed, acts.final.matrix.rows(0..<total),
                         weight: model.finalNorm.data, rstd: acts.finalRstd.data)
        for l in stride(from: c.layerCount - 1, through: 0, by: -1) {
            backwardBlock(l, acts.blocks[l], dx: dx, spans: spans, scratch: acts)
        }
        return (loss, n)
    }

    private func workspace(tokens: Int, probabilityFloats: Int) -> TrainingActivations {
        if let a = activations, a.tokens >= tokens, a.probabilityFloats >= probabilityFloats { return a }
        activations = nil
        let adapted = LlamaWeightNames.projections.map { adapter.targets.contains($0) }
        // Some headroom, so that batches a little longer than the first do not reallocate.
        let a = TrainingActivations(configuration, tokens: tokens + tokens / 4,
                                    probabilityFloats: probabilityFloats + probabilityFloats / 2,
                                    rank: adapter.rank, adapted: adapted)
        activations = a
        return a
    }
}
