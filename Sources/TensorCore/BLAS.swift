// Matrix products through OpenBLAS. Transposes are BLAS flags, never materialised copies.

import COpenBLAS

/// Row-major matrix products over `MatrixView`s. Outputs come first, inputs next, as in llm.c.
///
/// OpenBLAS threads each call itself (see `Threads.set`), so never call these from inside
/// `Threads.forEachChunk`.
public enum BLAS {
    /// `c = alpha · op(a) · op(b) + beta · c`, where `op(x)` is `xᵀ` when its flag is set.
    ///
    /// Shapes: op(a) is M × K, op(b) is K × N, c is M × N. With `beta = 0` the old contents of
    /// `c` are ignored (BLAS does not read them), so `c` may be uninitialised scratch.
    public static func gemm(
        _ c: MatrixView, _ a: MatrixView, _ b: MatrixView,
        transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb && c.rows == m && c.cols == n,
                     "gemm shapes: op(a) \(m) × \(k), op(b) \(kb) × \(n), c \(c.rows) × \(c.cols)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            // An empty inner dimension makes the product zero; BLAS may reject lda = 0 here.
            for r in 0..<m {
                let row = c.row(r)
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k),
                    alpha, a.base, blasint(a.rowStride),
                    b.base, blasint(b.rowStride),
                    beta, c.base, blasint(c.rowStride))
    }

    /// `y = alpha · op(a) · x + beta · y`, with `op(a) = aᵀ` when `transpose` is set.
    ///
    /// `x` has `op(a).cols` elements and `y` has `op(a).rows`.
    public static func gemv(
        _ y: UnsafeMutablePointer<Float>, _ a: MatrixView, _ x: UnsafePointer<Float>,
        transpose: Bool = false, alpha: Float = 1, beta: Float = 0
    ) {
        let outCount = transpose ? a.cols : a.rows
        let inCount = transpose ? a.rows : a.cols
        if outCount == 0 { return }
        if inCount == 0 {
            for i in 0..<outCount { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                    blasint(a.rows), blasint(a.cols), alpha, a.base, blasint(a.rowStride),
                    x, 1, beta, y, 1)
    }

    /// A fully connected layer in PyTorch's weight layout: `out = input · weightᵀ + bias`.
    ///
    /// Shapes: input T × in, weight out × in (as `nn.Linear` and safetensors store it),
    /// bias `out` elements or nil, out T × out. With `accumulate`, the product is added to
    /// what `out` already holds (a residual connection, or a LoRA path on top of the base).
    public static func linear(
        _ out: MatrixView, _ input: MatrixView, weight: MatrixView,
        bias: UnsafePointer<Float>? = nil, accumulate: Bool = false
    ) {
        precondition(out.cols == weight.rows,
                     "linear: weight has \(weight.rows) outputs, out has \(out.cols) columns")
        if let bias {
            for r in 0..<out.rows {
                let row = out.row(r)
                if accumulate {
                    for j in 0..<out.cols { row[j] += bias[j] }
                } else {
                    row.update(from: bias, count: out.cols)
                }
            }
        }
        gemm(out, input, weight, transposeB: true, beta: (bias != nil || accumulate) ? 1 : 0)
    }

    /// `count` independent products `c_i = alpha · op(a_i) · op(b_i) + beta · c_i`, where item
    /// `i` of each operand is its first view advanced by `i × stride` elements.
    ///
    /// A stride of 0 shares one operand across the batch: grouped-query attention multiplies
    /// every query head of a group by the same key head this way. Strides may be smaller than
    /// a whole matrix, so per-head column windows of a [T, heads·headDim] activation work with
    /// stride `headDim`.
    public static func gemmBatched(
        count: Int,
        _ c: MatrixView, strideC: Int,
        _ a: MatrixView, strideA: Int,
        _ b: MatrixView, strideB: Int,
        transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        // One call per item: OpenBLAS (0.3.2x as packaged) has no strided batch entry point,
        // and each call already uses every BLAS thread.
        for i in 0..<count {
            gemm(c.advanced(by: i * strideC), a.advanced(by: i * strideA), b.advanced(by: i * strideB),
                 transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
        }
    }
}
