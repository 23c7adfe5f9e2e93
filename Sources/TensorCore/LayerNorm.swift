// LayerNorm over the last dimension, as BERT uses it (inference only: no backward needed).

/// y = (x − mean) / √(var + eps) · weight + bias, per row, with the biased variance
/// (PyTorch's `nn.LayerNorm`).
public enum LayerNorm {
    /// Normalises each row of `x` into the same row of `out` (which may be `x`).
    /// `weight` and `bias` have `x.cols` elements. BERT uses eps = 1e-12.
    public static func forward(
        _ out: MatrixView, _ x: MatrixView,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, eps: Float
    ) {
        precondition(out.rows == x.rows && out.cols == x.cols,
                     "layernorm: out \(out.rows)×\(out.cols), x \(x.rows)×\(x.cols)")
        let n = x.cols
        guard n > 0 else { return }
        Threads.forEachChunk(of: x.rows, elementsPerItem: n) { rows in
            for r in rows {
                let xr = x.row(r), yr = out.row(r)
                // Two passes (mean, then squared deviations) keep the variance accurate for rows
                // with a large mean, where E[x²] − E[x]² would cancel.
                let mean = VectorMath.sum(xr, count: n) / Float(n)
                let variance = VectorMath.sumOfSquares(xr, count: n, center: mean) / Float(n)
                let rstd = 1 / (variance + eps).squareRoot()
                for i in 0..<n { yr[i] = (xr[i] - mean) * rstd * weight[i] + bias[i] }
            }
        }
    }
}
