// RMSNorm over the last dimension (Llama), forward and backward.

/// y = x / √(mean(x²) + eps) · weight, per row (Hugging Face's `LlamaRMSNorm`, computed in
/// Float32 throughout).
public enum RMSNorm {
    /// Normalises each row of `x` into `out` (which may be `x`). `weight` has `x.cols`
    /// elements. When `rstd` is given, each row's 1/√(mean(x²) + eps) is stored there
    /// (`x.rows` elements) for `backward`.
    public static func forward(
        _ out: MatrixView, rstd: UnsafeMutablePointer<Float>? = nil, _ x: MatrixView,
        weight: UnsafePointer<Float>, eps: Float
    ) {
        precondition(out.rows == x.rows && out.cols == x.cols,
                     "rmsnorm: out \(out.rows)×\(out.cols), x \(x.rows)×\(x.cols)")
        let n = x.cols
        guard n > 0 else { return }
        Threads.forEachChunk(of: x.rows, elementsPerItem: n) { rows in
            for r in rows {
                let xr = x.row(r), yr = out.row(r)
                let s = 1 / (VectorMath.sumOfSquares(xr, count: n) / Float(n) + eps).squareRoot()
                rstd?[r] = s
                for i in 0..<n { yr[i] = xr[i] * s * weight[i] }
            }
        }
    }

    /// Accumulates the gradients of `forward`: dx += ∂L/∂x and, when given, dweight += ∂L/∂w.
    ///
    /// With s = rstd of the row and g = dout ⊙ weight:
    /// ∂L/∂x = s·(g − x · s² · ⟨g, x⟩ / n), ∂L/∂w = dout ⊙ x · s.
    /// LoRA training leaves the norm weights frozen and passes nil for `dweight`.
    public static func backward(
        _ dx: MatrixView, dweight: UnsafeMutablePointer<Float>?,
        _ dout: MatrixView, _ x: MatrixView, weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>
    ) {
        precondition(dx.rows == x.rows && dx.cols == x.cols && dout.rows == x.rows && dout.cols == x.cols,
                     "rmsnorm backward: dx \(dx.rows)×\(dx.cols), dout \(dout.rows)×\(dout.cols), x \(x.rows)×\(x.cols)")
        let n = x.cols
        guard n > 0 else { return }
        // Rows run one after another: every row adds into the same dweight.
        for r in 0..<x.rows {
            let xr = x.row(r), gr = dout.row(r), dxr = dx.row(r)
            let s = rstd[r]
            let inner = VectorMath.dot(gr, weight, xr, count: n)
            let k = s * s * s * inner / Float(n)
            for i in 0..<n { dxr[i] += s * gr[i] * weight[i] - k * xr[i] }
            if let dweight {
                for i in 0..<n { dweight[i] += gr[i] * xr[i] * s }
            }
        }
    }
}
