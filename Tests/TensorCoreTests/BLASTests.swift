import Testing
import TensorCore

@Suite struct BLASTests {
    // Tolerance: inner dimension K ≤ 37 with |a|,|b| ≤ 2, so each product term is ≤ 4 and the
    // Float32 sum has rounding error ≲ K · 4 · 6e-8 ≈ 1e-5 against the Double triple loop;
    // 1e-4 allows for BLAS's blocked summation order. A wrong transpose errs by O(1).
    static let tolerance = 1e-4

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesTripleLoop(transposeA: Bool, transposeB: Bool) {
        let m = 7, n = 5, k = 37
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        let a = randomTensor([aRows, aCols], seed: 1)
        let b = randomTensor([bRows, bCols], seed: 2)
        let c = randomTensor([m, n], seed: 3)
        var expected = c.toArray()
        Naive.gemm(c: &expected, a: a.toArray(), aRows: aRows, aCols: aCols, b: b.toArray(),
                   bRows: bRows, bCols: bCols, transposeA: transposeA, transposeB: transposeB,
                   alpha: 0.5, beta: 2)
        BLAS.gemm(c.matrix, a.matrix, b.matrix, transposeA: transposeA, transposeB: transposeB,
                  alpha: 0.5, beta: 2)
        #expect(maxAbsDifference(c.toArray(), expected) < Self.tolerance)
    }

    @Test func gemmOnColumnWindowsUsesTheRowStride() {
        // Two "heads" of width 3 inside rows of 6: scores of head 1 = Q₁ · K₁ᵀ.
        let q = randomTensor([4, 6], seed: 4), k = randomTensor([5, 6], seed: 5)
        let scores = Tensor(rows: 4, cols: 5)
        BLAS.gemm(scores.matrix, q.matrix.columns(3..<6), k.matrix.columns(3..<6), transposeB: true)
        var expected = [Float](repeating: 0, count: 20)
        let qh = (0..<4).flatMap { r in (3..<6).map { q.matrix[r, $0] } }
        let kh = (0..<5).flatMap { r in (3..<6).map { k.matrix[r, $0] } }
        Naive.gemm(c: &expected, a: qh, aRows: 4, aCols: 3, b: kh, bRows: 5, bCols: 3,
                   transposeA: false, transposeB: true, alpha: 1, beta: 0)
        #expect(maxAbsDifference(scores.toArray(), expected) < Self.tolerance)
    }

    @Test(arguments: [false, true])
    func gemvMatchesLoop(transpose: Bool) {
        let a = randomTensor([9, 13], seed: 6)
        let x = randomTensor([transpose ? 9 : 13], seed: 7)
        let y = randomTensor([transpose ? 13 : 9], seed: 8)
        var expected = y.toArray()
        Naive.gemm(c: &expected, a: a.toArray(), aRows: 9, aCols: 13, b: x.toArray(),
                   bRows: transpose ? 9 : 13, bCols: 1, transposeA: transpose, transposeB: false,
                   alpha: 1.5, beta: -1)
        BLAS.gemv(y.data, a.matrix, x.data, transpose: transpose, alpha: 1.5, beta: -1)
        #expect(maxAbsDifference(y.toArray(), expected) < Self.tolerance)
    }

    @Test(arguments: [false, true])
    func linearIsInputTimesWeightTransposedPlusBias(accumulate: Bool) {
        let x = randomTensor([3, 11], seed: 9), w = randomTensor([6, 11], seed: 10)
        let bias = randomTensor([6], seed: 11), out = randomTensor([3, 6], seed: 12)
        var expected = [Float](repeating: 0, count: 18)
        Naive.gemm(c: &expected, a: x.toArray(), aRows: 3, aCols: 11, b: w.toArray(), bRows: 6, bCols: 11,
                   transposeA: false, transposeB: true, alpha: 1, beta: 0)
        let before = out.toArray()
        for r in 0..<3 {
            for j in 0..<6 { expected[r * 6 + j] += bias.data[j] + (accumulate ? before[r * 6 + j] : 0) }
        }
        BLAS.linear(out.matrix, x.matrix, weight: w.matrix, bias: bias.data, accumulate: accumulate)
        #expect(maxAbsDifference(out.toArray(), expected) < Self.tolerance)
    }

    @Test func batchedWithASharedOperand() {
        // Grouped-query attention shape: three query heads share one key head (stride 0).
        let heads = 3, t = 4, d = 5
        let q = randomTensor([heads, t, d], seed: 13), k = randomTensor([t, d], seed: 14)
        let scores = Tensor(shape: [heads, t, t])
        BLAS.gemmBatched(count: heads,
                         MatrixView(base: scores.data, rows: t, cols: t), strideC: t * t,
                         MatrixView(base: q.data, rows: t, cols: d), strideA: t * d,
                         k.matrix, strideB: 0, transposeB: true)
        for h in 0..<heads {
            var expected = [Float](repeating: 0, count: t * t)
            Naive.gemm(c: &expected, a: Array(q.toArray()[(h * t * d)..<((h + 1) * t * d)]), aRows: t, aCols: d,
                       b: k.toArray(), bRows: t, bCols: d, transposeA: false, transposeB: true, alpha: 1, beta: 0)
            #expect(maxAbsDifference(scores.toArray()[(h * t * t)..<((h + 1) * t * t)], expected) < Self.tolerance)
        }
    }
}
