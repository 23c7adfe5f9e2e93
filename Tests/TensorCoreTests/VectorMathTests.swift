import Testing
import TensorCore

@Suite struct VectorMathTests {
    // Lengths around the SIMD16 and 2×SIMD16 boundaries, so every tail path runs.
    static let lengths = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1027]

    // Reductions of n ≤ 1027 values with |x| ≤ 2 (products ≤ 4): Float32 summation error is at
    // most about n · 4 · 6e-8 ≈ 2.5e-4 in the worst case and far less in practice (the SIMD
    // lanes sum ~n/32 terms each); 1e-3 is that bound with margin, and any lost or double
    // counted element errs by up to 4.
    static let reductionTolerance = 1e-3

    @Test(arguments: lengths)
    func reductionsMatchDoubleLoops(n: Int) {
        let a = randomValues(n, seed: 20), b = randomValues(n, seed: 21), c = randomValues(n, seed: 22)
        let exactDot = zip(a, b).map { Double($0) * Double($1) }.reduce(0, +)
        let exactDot3 = (0..<n).map { Double(a[$0]) * Double(b[$0]) * Double(c[$0]) }.reduce(0, +)
        let exactSum = a.map(Double.init).reduce(0, +)
        let exactSquares = a.map { (Double($0) - 0.25) * (Double($0) - 0.25) }.reduce(0, +)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeBufferPointer { pc in
                    let x = pa.baseAddress!, y = pb.baseAddress!, z = pc.baseAddress!
                    #expect(abs(Double(VectorMath.dot(x, y, count: n)) - exactDot) < Self.reductionTolerance)
                    #expect(abs(Double(VectorMath.dot(x, y, z, count: n)) - exactDot3) < Self.reductionTolerance)
                    #expect(abs(Double(VectorMath.sum(x, count: n)) - exactSum) < Self.reductionTolerance)
                    #expect(abs(Double(VectorMath.sumOfSquares(x, count: n, center: 0.25)) - exactSquares)
                            < Self.reductionTolerance)
                    // max is exact: it only compares.
                    #expect(VectorMath.max(x, count: n) == (a.max() ?? -.infinity))
                }
            }
        }
    }

    @Test(arguments: lengths)
    func elementwiseMatchesScalarLoops(n: Int) {
        // Each output is one or two correctly rounded Float32 operations, the same operations
        // the scalar twin does, so the results must be identical.
        let x = randomTensor([n], seed: 23), y = randomTensor([n], seed: 24)
        let xs = x.toArray(), ys = y.toArray()
        let out = Tensor(shape: [n])
        VectorMath.add(out.data, x.data, y.data, count: n)
        #expect(out.toArray() == zip(xs, ys).map { $0 + $1 })
        VectorMath.multiply(out.data, x.data, y.data, count: n)
        #expect(out.toArray() == zip(xs, ys).map { $0 * $1 })
        VectorMath.axpy(y.data, 0.75, x.data, count: n)
        #expect(y.toArray() == zip(xs, ys).map { $1 + 0.75 * $0 })
        VectorMath.scale(x.data, -3, count: n)
        #expect(x.toArray() == xs.map { $0 * -3 })
    }

    @Test func rowBiasIsAddedToEveryRow() {
        let m = Tensor(shape: [3, 4]), bias = Tensor(shape: [4], values: [1, 2, 3, 4])
        VectorMath.addRowBias(m.matrix, bias.data)
        #expect(m.toArray() == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4])
    }
}
