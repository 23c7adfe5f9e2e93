// Finite-difference checks of every backward kernel, on tiny odd shapes.
//
// Method: the loss is L = Σ w ⊙ y for a fixed random w, so dL/dy = w is the `dout` handed to
// the backward kernel. The numerical gradient differentiates the naive Double forward twin by
// central differences, h = 1e-4: truncation error h²·|f‴|/6 ≈ 1e-9 and Double rounding
// ≈ 1e-16/h ≈ 1e-12, so it is exact to ~1e-9. The analytic side is Float32 arithmetic over at
// most 13 elements (relative rounding ≲ 13 · 6e-8 ≈ 1e-6 on gradients of order 1–10).
// Tolerance 1e-4 (absolute, plus the same relative) therefore has two orders of margin over
// both errors, while a missing or wrong term in a backward formula errs by O(0.1–1).
//
// Backward kernels accumulate, so each test starts dx from random values and checks the increase.

import Testing
import TensorCore

@Suite struct GradientTests {
    static let h = 1e-4
    static let tolerance = 1e-4

    /// Central differences of `loss` at `x`.
    static func numericGradient(_ x: [Double], _ loss: ([Double]) -> Double) -> [Double] {
        x.indices.map { i in
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            return (loss(plus) - loss(minus)) / (2 * h)
        }
    }

    static func weighted(_ y: [Double], _ w: [Float]) -> Double {
        zip(y, w).map { $0 * Double($1) }.reduce(0, +)
    }

    static func expectClose(_ analytic: [Float], _ numeric: [Double], _ what: String) {
        for (a, n) in zip(analytic, numeric) {
            #expect(abs(Double(a) - n) <= tolerance * (1 + abs(n)), "\(what): analytic \(a), numeric \(n)")
        }
    }

    /// `dx` after the kernel, minus its random starting value.
    static func increase(_ dx: Tensor, from start: [Float]) -> [Float] {
        zip(dx.toArray(), start).map { $0 - $1 }
    }

    @Test func rmsNormBackward() {
        let rows = 3, cols = 13, eps: Float = 1e-5
        let x = randomTensor([rows, cols], seed: 60), weight = randomTensor([cols], seed: 61)
        let w = randomValues(rows * cols, seed: 62)
        let y = Tensor(shape: [rows, cols]), rstd = Tensor(shape: [rows])
        RMSNorm.forward(y.matrix, rstd: rstd.data, x.matrix, weight: weight.data, eps: eps)
        let dout = Tensor(shape: [rows, cols], values: w)
        let start = randomValues(rows * cols, seed: 63), weightStart = randomValues(cols, seed: 64)
        let dx = Tensor(shape: [rows, cols], values: start), dweight = Tensor(shape: [cols], values: weightStart)
        RMSNorm.backward(dx.matrix, dweight: dweight.data, dout.matrix, x.matrix, weight: weight.data, rstd: rstd.data)

        let weights = weight.toArray().map(Double.init)
        func loss(x: [Double], weights: [Double]) -> Double {
            (0..<rows).map { r in
                let row = Naive.rmsNorm(Array(x[(r * cols)..<((r + 1) * cols)]), weight: weights, eps: Double(eps))
                return Self.weighted(row, Array(w[(r * cols)..<((r + 1) * cols)]))
            }.reduce(0, +)
        }
        let xs = x.toArray().map(Double.init)
        Self.expectClose(Self.increase(dx, from: start), Self.numericGradient(xs) { loss(x: $0, weights: weights) }, "rmsnorm dx")
        Self.expectClose(Self.increase(dweight, from: weightStart),
                         Self.numericGradient(weights) { loss(x: xs, weights: $0) }, "rmsnorm dweight")
    }

    @Test func rmsNormBackwardWithoutWeightGradient() {
        let x = randomTensor([1, 5], seed: 65), weight = randomTensor([5], seed: 66)
        let y = Tensor(shape: [1, 5]), rstd = Tensor(shape: [1])
        RMSNorm.forward(y.matrix, rstd: rstd.data, x.matrix, weight: weight.data, eps: 1e-6)
        let dout = randomTensor([1, 5], seed: 67)
        let withWeight = Tensor(shape: [1, 5]), withoutWeight = Tensor(shape: [1, 5]), dweight = Tensor(shape: [5])
        RMSNorm.backward(withWeight.matrix, dweight: dweight.data, dout.matrix, x.matrix, weight: weight.data, rstd: rstd.data)
        RMSNorm.backward(withoutWeight.matrix, dweight: nil, dout.matrix, x.matrix, weight: weight.data, rstd: rstd.data)
        #expect(withWeight.toArray() == withoutWeight.toArray())
    }

    @Test func siluBackward() {
        let n = 11
        let x = randomTensor([n], seed: 70, in: -6...6), w = randomValues(n, seed: 71)
        let dout = Tensor(shape: [n], values: w), start = randomValues(n, seed: 72)
        let dx = Tensor(shape: [n], values: start)
        Activations.siluBackward(dx.data, dout.data, x.data, count: n)
        let numeric = Self.numericGradient(x.toArray().map(Double.init)) { Self.weighted($0.map(Naive.silu), w) }
        Self.expectClose(Self.increase(dx, from: start), numeric, "silu dx")
    }

    @Test func swigluBackward() {
        let n = 9
        let gate = randomTensor([n], seed: 73, in: -5...5), up = randomTensor([n], seed: 74)
        let w = randomValues(n, seed: 75), dout = Tensor(shape: [n], values: w)
        let gateStart = randomValues(n, seed: 76), upStart = randomValues(n, seed: 77)
        let dgate = Tensor(shape: [n], values: gateStart), dup = Tensor(shape: [n], values: upStart)
        Activations.swigluBackward(dgate: dgate.data, dup: dup.data, dout.data, gate: gate.data, up: up.data, count: n)
        let g = gate.toArray().map(Double.init), u = up.toArray().map(Double.init)
        func loss(_ g: [Double], _ u: [Double]) -> Double {
            Self.weighted(zip(g, u).map { Naive.silu($0) * $1 }, w)
        }
        Self.expectClose(Self.increase(dgate, from: gateStart), Self.numericGradient(g) { loss($0, u) }, "swiglu dgate")
        Self.expectClose(Self.increase(dup, from: upStart), Self.numericGradient(u) { loss(g, $0) }, "swiglu dup")
    }

    @Test func softmaxBackward() {
        let rows = 3, cols = 7
        let x = randomTensor([rows, cols], seed: 80, in: -3...3), w = randomValues(rows * cols, seed: 81)
        let y = Tensor(shape: [rows, cols])
        y.copy(from: x)
        Softmax.forwardRows(y.matrix)
        let start = randomValues(rows * cols, seed: 82)
        let dx = Tensor(shape: [rows, cols], values: start), dout = Tensor(shape: [rows, cols], values: w)
        Softmax.backwardRows(dx.matrix, dout.matrix, y.matrix)
        let numeric = Self.numericGradient(x.toArray().map(Double.init)) { xs in
            var total = 0.0
            for r in 0..<rows {
                let span = (r * cols)..<((r + 1) * cols)
                total += Self.weighted(Naive.softmax(Array(xs[span])), Array(w[span]))
            }
            return total
        }
        Self.expectClose(Self.increase(dx, from: start), numeric, "softmax dx")
    }

    @Test(arguments: [RopeLayout.adjacentPairs, .rotateHalf])
    func ropeBackward(layout: RopeLayout) {
        // Odd head count and a partial rotary dimension, so the pass-through elements are covered.
        let headDim = 6, rotary = 4, heads = 3, rows = 2, first = 5
        let rope = Rope(headDim: headDim, rotaryDim: rotary, theta: 10_000, maxPositions: 8, layout: layout)
        let x = randomTensor([rows, heads * headDim], seed: 90), w = randomValues(rows * heads * headDim, seed: 91)
        let start = randomValues(rows * heads * headDim, seed: 92)
        let dx = Tensor(shape: [rows, heads * headDim], values: start)
        let dout = Tensor(shape: [rows, heads * headDim], values: w)
        rope.backward(dx.matrix, dout.matrix, firstPosition: first)
        let numeric = Self.numericGradient(x.toArray().map(Double.init)) { xs in
            var total = 0.0
            for r in 0..<rows {
                for hd in 0..<heads {
                    let s = (r * heads + hd) * headDim
                    let y = Naive.rope(Array(xs[s..<(s + headDim)]), position: first + r, theta: 10_000,
                                       rotaryDim: rotary, adjacent: layout == .adjacentPairs)
                    total += Self.weighted(y, Array(w[s..<(s + headDim)]))
                }
            }
            return total
        }
        Self.expectClose(Self.increase(dx, from: start), numeric, "rope dx")
    }
}
