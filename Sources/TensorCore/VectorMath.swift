// Reductions and element-wise arithmetic on contiguous Float32 runs.
//
// Reductions use explicit SIMD16 accumulators: LLVM will not reorder a scalar float sum (that
// would change its rounding), so a plain loop runs one add at a time; two independent SIMD16
// accumulators keep the vector adder busy (measured here at about 3× a scalar loop). Element-wise
// loops are plain, branch-free and call-free so that LLVM vectorises them itself.

/// Vector kernels over raw pointers: outputs first, then inputs, then the element count.
public enum VectorMath {
    /// Σ a[i]·b[i].
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            acc0 += a.simd16(at: i) * b.simd16(at: i)
            acc1 += a.simd16(at: i + 16) * b.simd16(at: i + 16)
            i += 32
        }
        if i + 16 <= n {
            acc0 += a.simd16(at: i) * b.simd16(at: i)
            i += 16
        }
        var total = (acc0 + acc1).sum()
        while i < n {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// Σ a[i]·b[i]·c[i] (RMSNorm's backward needs ⟨dout ⊙ weight, x⟩ without a scratch buffer).
    public static func dot(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, count n: Int
    ) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            acc0 += a.simd16(at: i) * b.simd16(at: i) * c.simd16(at: i)
            acc1 += a.simd16(at: i + 16) * b.simd16(at: i + 16) * c.simd16(at: i + 16)
            i += 32
        }
        if i + 16 <= n {
            acc0 += a.simd16(at: i) * b.simd16(at: i) * c.simd16(at: i)
            i += 16
        }
        var total = (acc0 + acc1).sum()
        while i < n {
            total += a[i] * b[i] * c[i]
            i += 1
        }
        return total
    }

    /// Σ x[i].
    public static func sum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            acc0 += x.simd16(at: i)
            acc1 += x.simd16(at: i + 16)
            i += 32
        }
        if i + 16 <= n {
            acc0 += x.simd16(at: i)
            i += 16
        }
        var total = (acc0 + acc1).sum()
        while i < n {
            total += x[i]
            i += 1
        }
        return total
    }

    /// Σ (x[i] − center)². With `center` 0 this is RMSNorm's Σx²; with the mean it is the
    /// variance numerator of a two-pass variance, which avoids the cancellation of E[x²] − E[x]².
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count n: Int, center: Float = 0) -> Float {
        let c = SIMD16<Float>(repeating: center)
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            let d0 = x.simd16(at: i) - c, d1 = x.simd16(at: i + 16) - c
            acc0 += d0 * d0
            acc1 += d1 * d1
            i += 32
        }
        if i + 16 <= n {
            let d = x.simd16(at: i) - c
            acc0 += d * d
            i += 16
        }
        var total = (acc0 + acc1).sum()
        while i < n {
            let d = x[i] - center
            total += d * d
            i += 1
        }
        return total
    }

    /// The largest element; −∞ for an empty run.
    public static func max(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n {
            // A compare and a blend: `pointwiseMax` compiles to a scalar loop through the stack
            // (its NaN rules defeat vectorisation), which made softmax a quarter of `embed`'s time.
            // A NaN in x never compares greater, so it is skipped as `pointwiseMax` skips it.
            let v = x.simd16(at: i)
            acc.replace(with: v, where: v .> acc)
            i += 16
        }
        var best = acc.max()
        while i < n {
            best = Swift.max(best, x[i])
            i += 1
        }
        return best
    }

    /// y[i] += alpha · x[i].
    public static func axpy(_ y: UnsafeMutablePointer<Float>, _ alpha: Float, _ x: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    /// x[i] *= alpha.
    public static func scale(_ x: UnsafeMutablePointer<Float>, _ alpha: Float, count n: Int) {
        for i in 0..<n { x[i] *= alpha }
    }

    /// out[i] = a[i] + b[i]; `out` may be `a` or `b` (a residual connection in place).
    public static func add(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = a[i] + b[i] }
    }

    /// out[i] = a[i] · b[i]; `out` may be `a` or `b`.
    public static func multiply(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = a[i] * b[i] }
    }

    /// Adds `bias` (`m.cols` elements) to every row of `m`.
    public static func addRowBias(_ m: MatrixView, _ bias: UnsafePointer<Float>) {
        for r in 0..<m.rows { add(m.row(r), m.row(r), bias, count: m.cols) }
    }
}

extension UnsafePointer where Pointee == Float {
    /// Sixteen floats starting at element `i`, with no alignment requirement.
    @inline(__always) func simd16(at i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD16<Float>.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func simd16(at i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD16<Float>.self)
    }
}
