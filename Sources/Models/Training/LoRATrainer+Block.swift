// One transformer block's forward pass (saving activations) and backward pass, with LoRA.

import TensorCore

/// A sequence's rows in the concatenated batch.
typealias SequenceSpan = (start: Int, length: Int)

extension LoRATrainer {
    /// out = block(input) for every token, saving what `backwardBlock` needs in `a`.
    func forwardBlock(_ l: Int, _ a: BlockActivations, out: MatrixView, spans: [SequenceSpan],
                      scratch: TrainingActivations) {
        let c = configuration, t = out.rows, block = model.blocks[l]
        let x = a.input.matrix.rows(0..<t)
        let n1 = a.normed1.matrix.rows(0..<t), n2 = a.normed2.matrix.rows(0..<t)
        let q = a.query.matrix.rows(0..<t), k = a.key.matrix.rows(0..<t), v = a.value.matrix.rows(0..<t)
        let attended = a.attended.matrix.rows(0..<t), middle = a.middle.matrix.rows(0..<t)
        let delta = scratch.delta.matrix.rows(0..<t)
        RMSNorm.forward(n1, rstd: a.rstd1.data, x, weight: block.attentionNorm.data, eps: c.rmsNormEps)
        project(q, n1, l, .query, a)
        project(k, n1, l, .key, a)
        project(v, n1, l, .value, a)
        let scale = 1 / Float(c.headDim).squareRoot()
        var probabilityOffset = 0
        for span in spans {
            let rows = span.start..<(span.start + span.length), n = span.length
            rope.forward(q.rows(rows), firstPosition: 0)
            rope.forward(k.rows(rows), firstPosition: 0)
            for h in 0..<c.headCount {
                let g = h / (c.headCount / c.kvHeadCount)
                let p = MatrixView(base: a.probabilities.data + probabilityOffset, rows: n, cols: n)
                probabilityOffset += n * n
                BLAS.gemm(p, head(q, rows, h), head(k, rows, g), transposeB: true, alpha: scale)
                Softmax.forwardCausalRows(p)
                BLAS.gemm(head(attended, rows, h), p, head(v, rows, g))
            }
        }
        project(delta, attended, l, .attentionOutput, a)
        VectorMath.add(middle.base, x.base, delta.base, count: t * c.hiddenSize)
        RMSNorm.forward(n2, rstd: a.rstd2.data, middle, weight: block.ffnNorm.data, eps: c.rmsNormEps)
        let gate = a.gate.matrix.rows(0..<t), up = a.up.matrix.rows(0..<t), hidden = a.hidden.matrix.rows(0..<t)
        project(gate, n2, l, .gate, a)
        project(up, n2, l, .up, a)
        Activations.swiglu(hidden.base, gate: gate.base, up: up.base, count: t * c.intermediateSize)
        project(delta, hidden, l, .down, a)
        VectorMath.add(out.base, middle.base, delta.base, count: t * c.hiddenSize)
    }

    /// Given dx = ∂loss/∂(block output), replaces it by ∂loss/∂(block input) and adds the
    /// block's LoRA gradients.
    func backwardBlock(_ l: Int, _ a: BlockActivations, dx: MatrixView, spans: [SequenceSpan],
                       scratch s: TrainingActivations) {
        let c = configuration, t = dx.rows, block = model.blocks[l]
        let dNormed = s.dNormed.matrix.rows(0..<t)
        // MLP: out = middle + down(silu(gate) · up).
        let dHidden = s.dHidden.matrix.rows(0..<t)
        let dGate = s.dGate.matrix.rows(0..<t), dUp = s.dUp.matrix.rows(0..<t)
        projectBackward(dHidden, accumulate: false, dy: dx, x: a.hidden.matrix.rows(0..<t), l, .down, a, s)
        let ff = t * c.intermediateSize
        dGate.base.update(repeating: 0, count: ff)
        dUp.base.update(repeating: 0, count: ff)
        Activations.swigluBackward(dgate: dGate.base, dup: dUp.base, dHidden.base,
                                   gate: a.gate.data, up: a.up.data, count: ff)
        let n2 = a.normed2.matrix.rows(0..<t)
        projectBackward(dNormed, accumulate: false, dy: dGate, x: n2, l, .gate, a, s)
        projectBackward(dNormed, accumulate: true, dy: dUp, x: n2, l, .up, a, s)
        RMSNorm.backward(dx, dweight: nil, dNormed, a.middle.matrix.rows(0..<t),
                         weight: block.ffnNorm.data, rstd: a.rstd2.data)

        // Attention: middle = input + o(attention(rope(q), rope(k), v)).
        let dAttended = s.dAttended.matrix.rows(0..<t)
        projectBackward(dAttended, accumulate: false, dy: dx, x: a.attended.matrix.rows(0..<t), l, .attentionOutput, a, s)
        let dq = s.dQuery.matrix.rows(0..<t), dk = s.dKey.matrix.rows(0..<t), dv = s.dValue.matrix.rows(0..<t)
        let dqPre = s.dQueryPre.matrix.rows(0..<t), dkPre = s.dKeyPre.matrix.rows(0..<t)
        for m in [dk, dv, dqPre, dkPre] { m.base.update(repeating: 0, count: t * m.cols) }
        let q = a.query.matrix.rows(0..<t), k = a.key.matrix.rows(0..<t), v = a.value.matrix.rows(0..<t)
        let scale = 1 / Float(c.headDim).squareRoot()
        let longest = spans.map(\.length).max() ?? 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * max(1, longest * longest)) { buffer in
            var probabilityOffset = 0
            for span in spans {
                let rows = span.start..<(span.start + span.length), n = span.length
                let dP = MatrixView(base: buffer.baseAddress!, rows: n, cols: n)
                let dS = MatrixView(base: buffer.baseAddress! + n * n, rows: n, cols: n)
                for h in 0..<c.headCount {
                    let g = h / (c.headCount / c.kvHeadCount)
                    let p = MatrixView(base: a.probabilities.data + probabilityOffset, rows: n, cols: n)
                    probabilityOffset += n * n
                    let dOut = head(dAttended, rows, h)
                    BLAS.gemm(dP, dOut, head(v, rows, g), transposeB: true)
                    BLAS.gemm(head(dv, rows, g), p, dOut, transposeA: true, beta: 1)
                    dS.base.update(repeating: 0, count: n * n)
                    Softmax.backwardRows(dS, dP, p)
                    BLAS.gemm(head(dq, rows, h), dS, head(k, rows, g), alpha: scale)
                    BLAS.gemm(head(dk, rows, g), dS, head(q, rows, h), transposeA: true, alpha: scale, beta: 1)
                }
                rope.backward(dqPre.rows(rows), dq.rows(rows), firstPosition: 0)
                rope.backward(dkPre.rows(rows), dk.rows(rows), firstPosition: 0)
            }
        }
        let n1 = a.normed1.matrix.rows(0..<t)
        projectBackward(dNormed, accumulate: false, dy: dqPre, x: n1, l, .query, a, s)
        projectBackward(dNormed, accumulate: true, dy: dkPre, x: n1, l, .key, a, s)
        projectBackward(dNormed, accumulate: true, dy: dv, x: n1, l, .value, a, s)
        RMSNorm.backward(dx, dweight: nil, dNormed, a.input.matrix.rows(0..<t),
                         weight: block.attentionNorm.data, rstd: a.rstd1.data)
    }

    /// The columns of head `h` in the rows `rows` of a [tokens, heads · headDim] activation.
    private func head(_ m: MatrixView, _ rows: Range<Int>, _ h: Int) -> MatrixView {
        let d = configuration.headDim
        return m.rows(rows).columns((h * d)..<((h + 1) * d))
    }

    private func index(_ role: LlamaWeightRole) -> Int {
        LlamaWeightNames.projections.firstIndex(of: role)!
    }

    /// out = x·Wᵀ + scale·(x·Aᵀ)·Bᵀ, keeping x·Aᵀ for the backward pass.
    private func project(_ out: MatrixView, _ x: MatrixView, _ l: Int, _ role: LlamaWeightRole, _ a: BlockActivations) {
        let i = index(role)
        BLAS.gemm(out, x, weights[l][i].matrix, transposeB: true)
        guard let p = adapter.parameter(layer: l, role), let xa = a.loraInputs[i] else { return }
        let mid = xa.matrix.rows(0..<x.rows)
        BLAS.gemm(mid, x, p.a.matrix, transposeB: true)
        BLAS.gemm(out, mid, p.b.matrix, transposeB: true, alpha: adapter.scale, beta: 1)
    }

    /// dx (+)= dy·W + scale·(dy·B)·A, and the pair's gradients: dB += scale·dyᵀ·(x·Aᵀ),
    /// dA += scale·(dy·B)ᵀ·x.
    private func projectBackward(_ dx: MatrixView, accumulate: Bool, dy: MatrixView, x: MatrixView,
                                 _ l: Int, _ role: LlamaWeightRole, _ a: BlockActivations, _ s: TrainingActivations) {
        let i = index(role)
        BLAS.gemm(dx, dy, weights[l][i].matrix, beta: accumulate ? 1 : 0)
        guard let p = adapter.parameter(layer: l, role), let xa = a.loraInputs[i] else { return }
        let scale = adapter.scale, t = dy.rows
        BLAS.gemm(p.gradB.matrix, dy, xa.matrix.rows(0..<t), transposeA: true, alpha: scale, beta: 1)
        let dyB = s.dLoRA.matrix.rows(0..<t)
        BLAS.gemm(dyB, dy, p.b.matrix)
        BLAS.gemm(p.gradA.matrix, dyB, x, transposeA: true, alpha: scale, beta: 1)
        BLAS.gemm(dx, dyB, p.a.matrix, alpha: scale, beta: 1)
    }
}
