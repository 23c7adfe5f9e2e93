// The SiLU-gated feed-forward network of a Llama block.

import TensorCore

/// down(silu(gate · x) ⊙ (up · x)).
final class LlamaMLP: @unchecked Sendable {
    let gate: LinearWeight
    let up: LinearWeight
    let down: LinearWeight

    init(gate: LinearWeight, up: LinearWeight, down: LinearWeight) {
        self.gate = gate
        self.up = up
        self.down = down
    }

    /// out (T × hidden) = MLP of the normalised rows `x` (T × hidden).
    func forward(_ out: MatrixView, _ x: MatrixView, state: LlamaRunState) {
        let t = x.rows, ff = gate.rows
        let g = state.gate.matrix(rows: state.capacity, cols: ff).rows(0..<t)
        let u = state.up.matrix(rows: state.capacity, cols: ff).rows(0..<t)
        LinearWeight.apply([gate, up], [g, u], x, state.linear)
        Activations.swiglu(g.base, gate: g.base, up: u.base, count: t * ff)
        down.apply(out, g, state.linear)
    }
}
