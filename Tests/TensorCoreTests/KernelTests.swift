// Each fast forward kernel against its naive twin in NaiveKernels.swift.

import Testing
import TensorCore

@Suite struct KernelTests {
    // Softmax outputs are probabilities in [0, 1]; FastMath.exp is within 2 ulp and the row sum
    // adds a few ulp more, so 1e-6 absolute is several times the Float32 rounding and far below
    // any real mistake (a wrong max or mask shifts outputs by O(0.1)).
    static let softmaxTolerance = 1e-6

    @Test(arguments: [1, 7, 33])
    func softmaxRowsWithAdditiveMask(cols: Int) {
        let rows = 5
        let x = randomTensor([rows, cols], seed: 40, in: -8...8)
        // Mask the last column when there is more than one, as BERT masks padding.
        let mask = Tensor(shape: [cols])
        if cols > 1 { mask.data[cols - 1] = -1e9 }
        let input = x.toArray()
        Softmax.forwardRows(x.matrix, additiveMask: mask.data)
        for r in 0..<rows {
            let row = (0..<cols).map { Double(input[r * cols + $0]) + Double(mask.data[$0]) }
            let expected = Naive.softmax(row)
            #expect(maxAbsDifference(x.toArray()[(r * cols)..<((r + 1) * cols)], expected) < Self.softmaxTolerance)
        }
        if cols > 1 { #expect(x.matrix[0, cols - 1] == 0) }
    }

    @Test func causalSoftmaxSeesOnlyEarlierPositions() {
        let rows = 3, first = 2, cols = 5
        let x = randomTensor([rows, cols], seed: 41)
        let input = x.toArray()
        Softmax.forwardCausalRows(x.matrix, firstPosition: first)
        for r in 0..<rows {
            let visible = first + r + 1
            let expected = Naive.softmax((0..<visible).map { Double(input[r * cols + $0]) })
                + [Double](repeating: 0, count: cols - visible)
            #expect(maxAbsDifference(x.toArray()[(r * cols)..<((r + 1) * cols)], expected) < Self.softmaxTolerance)
        }
    }

    @Test func layerNormMatchesNaive() {
        // A large common offset (+50) is where a one-pass variance would cancel. With unit-ish
        // normalised outputs times weights ≤ 2, Float32 rounding of mean, variance and the final
        // product stays below ~1e-5 relative at this offset-to-spread ratio; 1e-4 absolute is
        // loose enough for that and tight enough to catch a wrong eps, mean or bias.
        let rows = 3, cols = 37
        let x = randomTensor([rows, cols], seed: 42, in: 48...52)
        let w = randomTensor([cols], seed: 43), b = randomTensor([cols], seed: 44)
        let out = Tensor(shape: [rows, cols])
        LayerNorm.forward(out.matrix, x.matrix, weight: w.data, bias: b.data, eps: 1e-12)
        for r in 0..<rows {
            let expected = Naive.layerNorm((0..<cols).map { Double(x.matrix[r, $0]) },
                                           weight: w.toArray().map(Double.init), bias: b.toArray().map(Double.init), eps: 1e-12)
            #expect(maxAbsDifference(out.toArray()[(r * cols)..<((r + 1) * cols)], expected) < 1e-4)
        }
    }

    @Test func rmsNormMatchesNaiveAndStoresRstd() {
        // Outputs are O(1)·weight; Float32 sum of squares over 37 terms and one rsqrt give about
        // 1e-6 relative error, so 1e-5 absolute flags only real mistakes.
        let rows = 4, cols = 37
        let x = randomTensor([rows, cols], seed: 45), w = randomTensor([cols], seed: 46)
        let out = Tensor(shape: [rows, cols]), rstd = Tensor(shape: [rows])
        RMSNorm.forward(out.matrix, rstd: rstd.data, x.matrix, weight: w.data, eps: 1e-5)
        for r in 0..<rows {
            let xr = (0..<cols).map { Double(x.matrix[r, $0]) }
            let expected = Naive.rmsNorm(xr, weight: w.toArray().map(Double.init), eps: 1e-5)
            #expect(maxAbsDifference(out.toArray()[(r * cols)..<((r + 1) * cols)], expected) < 1e-5)
            let meanSquare = xr.map { $0 * $0 }.reduce(0, +) / Double(cols)
            #expect(abs(Double(rstd.data[r]) - 1 / (meanSquare + 1e-5).squareRoot()) < 1e-5)
        }
    }

    @Test func activationsMatchNaive() {
        // GELU uses FastMath.erf (≤ 3 ulp) and SiLU FastMath.exp (≤ 2 ulp) plus a few Float32
        // operations; outputs are ≤ 10 in magnitude here, so 1e-5 absolute is ~10 ulp at the
        // largest values and catches the tanh-approximate GELU (which differs by up to ~5e-4).
        let n = 1001
        let x = randomTensor([n], seed: 47, in: -10...10), up = randomTensor([n], seed: 48)
        let out = Tensor(shape: [n])
        Activations.gelu(out.data, x.data, count: n)
        #expect(maxAbsDifference(out.toArray(), x.toArray().map { Naive.gelu(Double($0)) }) < 1e-5)
        Activations.silu(out.data, x.data, count: n)
        #expect(maxAbsDifference(out.toArray(), x.toArray().map { Naive.silu(Double($0)) }) < 1e-5)
        Activations.swiglu(out.data, gate: x.data, up: up.data, count: n)
        let expected = (0..<n).map { Naive.silu(Double(x.data[$0])) * Double(up.data[$0]) }
        #expect(maxAbsDifference(out.toArray(), expected) < 2e-5)
    }

    @Test func largeActivationRunsSplitAcrossThreadsGiveTheSameResult() {
        // 100 000 elements is several tasks' worth; element-wise work must not depend on the split.
        let n = 100_000
        let x = randomTensor([n], seed: 49, in: -6...6)
        let out = Tensor(shape: [n])
        Activations.gelu(out.data, x.data, count: n)
        #expect(out.toArray() == x.toArray().map { 0.5 * $0 * (1 + FastMath.erf($0 * 0.707_106_77)) })
    }

    @Test(arguments: [RopeLayout.adjacentPairs, .rotateHalf])
    func ropeMatchesNaive(layout: RopeLayout) {
        // Angles up to position 40 are < 41 rad; the table rounds the angle to Float32 as
        // transformers does (error ≤ 41 · 6e-8 ≈ 2.4e-6 rad), then cos/sin and one multiply-add
        // on values ≤ 2, so 2e-5 absolute is a few times that bound.
        let headDim = 10, rotary = 8, heads = 3, positions = [0, 1, 17, 40]
        let rope = Rope(headDim: headDim, rotaryDim: rotary, theta: 10_000, maxPositions: 64, layout: layout)
        let x = randomTensor([positions.count, heads * headDim], seed: 50)
        let input = x.toArray()
        for (r, p) in positions.enumerated() { rope.forward(x.row(r), heads: heads, position: p) }
        for (r, p) in positions.enumerated() {
            for h in 0..<heads {
                let start = r * heads * headDim + h * headDim
                let head = input[start..<(start + headDim)].map(Double.init)
                let expected = Naive.rope(head, position: p, theta: 10_000, rotaryDim: rotary,
                                          adjacent: layout == .adjacentPairs)
                #expect(maxAbsDifference(x.toArray()[start..<(start + headDim)], expected) < 2e-5)
            }
        }
    }

    @Test func ropeOverRowsIsRopeAtConsecutivePositions() {
        let rope = Rope(headDim: 4, theta: 500, maxPositions: 16, layout: .rotateHalf)
        let a = randomTensor([5, 8], seed: 51)
        let b = Tensor(shape: [5, 8])
        b.copy(from: a)
        rope.forward(a.matrix, firstPosition: 3)
        for r in 0..<5 { rope.forward(b.row(r), heads: 2, position: 3 + r) }
        #expect(a.toArray() == b.toArray())
    }
}
