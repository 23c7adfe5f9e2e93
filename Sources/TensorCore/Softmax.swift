// Softmax over rows, forward and backward, with the masks attention needs.

/// Numerically stable softmax: y = e^(x − max x) / Σ e^(x − max x), per row.
public enum Softmax {
    /// out = softmax(x) over `n` elements; `out` may be `x`.
    public static func forward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        let m = VectorMath.max(x, count: n)
        // Subtracting the max makes every exponent ≤ 0, so nothing overflows; a row that is −∞
        // everywhere has no meaningful softmax, and the caller's mask must leave one entry.
        // One pointer in the loop: with `out` and `x` separate the vectoriser's overlap check
        // fails on the in-place call (the common one) and the scalar fallback runs, 8× slower.
        if UnsafePointer(out) != x { out.update(from: x, count: n) }
        for i in 0..<n { out[i] = FastMath.exp(out[i] - m) }
        VectorMath.scale(out, 1 / VectorMath.sum(out, count: n), count: n)
    }

    /// Softmax of every row of `x` in place, after adding `mask` (`x.cols` elements, or nil) to
    /// each row: BERT's attention mask is 0 for tokens and a large negative number for padding.
    public static func forwardRows(_ x: MatrixView, additiveMask mask: UnsafePointer<Float>? = nil) {
        let cols = x.cols
        Threads.forEachChunk(of: x.rows, elementsPerItem: cols) { rows in
            for r in rows {
                let row = x.row(r)
                if let mask { VectorMath.add(row, row, mask, count: cols) }
                forward(row, row, count: cols)
            }
        }
    }

    /// Causal softmax of every row of `x` in place: row r is the query at position
    /// `firstPosition + r` and sees key columns 0 … firstPosition + r; the later columns are set
    /// to exactly 0. With a KV cache holding `firstPosition` earlier tokens, `x` is
    /// [new tokens, firstPosition + new tokens].
    public static func forwardCausalRows(_ x: MatrixView, firstPosition: Int = 0) {
        precondition(firstPosition >= 0 && firstPosition + x.rows <= x.cols,
                     "causal softmax: \(x.rows) queries from position \(firstPosition) need \(firstPosition + x.rows) key columns, have \(x.cols)")
        let cols = x.cols
        Threads.forEachChunk(of: x.rows, elementsPerItem: cols) { rows in
            for r in rows {
                let row = x.row(r)
                let visible = firstPosition + r + 1
                forward(row, row, count: visible)
                (row + visible).update(repeating: 0, count: cols - visible)
            }
        }
    }

    /// dx += y ⊙ (dy − ⟨dy, y⟩), the backward of y = softmax(x) over `n` elements, from the
    /// forward's output `y` (the Jacobian diag(y) − y·yᵀ applied to dy).
    public static func backward(
        _ dx: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count n: Int
    ) {
        let inner = VectorMath.dot(dy, y, count: n)
        for i in 0..<n { dx[i] += y[i] * (dy[i] - inner) }
    }

    /// `backward` for every row: dx, dy and y are matrices of one shape. Masked or causally
    /// hidden entries have y = 0, so they receive no gradient without special handling.
    public static func backwardRows(_ dx: MatrixView, _ dy: MatrixView, _ y: MatrixView) {
        precondition(dx.rows == y.rows && dx.cols == y.cols && dy.rows == y.rows && dy.cols == y.cols,
                     "softmax backward: dx \(dx.rows)×\(dx.cols), dy \(dy.rows)×\(dy.cols), y \(y.rows)×\(y.cols)")
        Threads.forEachChunk(of: y.rows, elementsPerItem: y.cols) { rows in
            for r in rows { backward(dx.row(r), dy.row(r), y.row(r), count: y.cols) }
        }
    }
}
