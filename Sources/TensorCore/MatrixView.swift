// A non-owning window onto row-major Float32 memory: a whole tensor, a range of its rows, or a
// range of its columns (one attention head inside a [T, heads * headDim] activation).

/// A `rows × cols` matrix whose row `r` starts at `base + r * rowStride`.
///
/// A view is a plain value: copying it copies the pointer, never the elements, and it never
/// allocates. It does not keep the owning `Tensor` alive: hold the tensor for as long as the
/// view is used. `rowStride` is BLAS's leading dimension, so column windows go straight to
/// `cblas_sgemm` without copying.
public struct MatrixView: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int
    /// Elements from the start of one row to the start of the next (≥ `cols`).
    public let rowStride: Int

    /// A view of `rows × cols` elements starting at `base`; rows are `rowStride` apart
    /// (default: `cols`, a contiguous matrix).
    @inlinable
    public init(base: UnsafeMutablePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil) {
        let stride = rowStride ?? cols
        precondition(rows >= 0 && cols >= 0 && stride >= cols,
                     "matrix view \(rows) × \(cols) with row stride \(stride)")
        self.base = base
        self.rows = rows
        self.cols = cols
        self.rowStride = stride
    }

    /// True when the rows follow each other with no gap, so the view is one run of
    /// `rows * cols` elements.
    @inlinable public var isContiguous: Bool { rowStride == cols || rows <= 1 }

    /// A pointer to the first element of row `r`.
    @inlinable public func row(_ r: Int) -> UnsafeMutablePointer<Float> {
        precondition(r >= 0 && r < rows, "row \(r) outside a matrix of \(rows) rows")
        return base + r * rowStride
    }

    @inlinable public subscript(r: Int, c: Int) -> Float {
        get {
            precondition(c >= 0 && c < cols, "column \(c) outside a matrix of \(cols) columns")
            return row(r)[c]
        }
        nonmutating set {
            precondition(c >= 0 && c < cols, "column \(c) outside a matrix of \(cols) columns")
            row(r)[c] = newValue
        }
    }

    /// The rows in `range`, sharing this view's memory.
    @inlinable public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows,
                     "rows \(range) outside a matrix of \(rows) rows")
        return MatrixView(base: base + range.lowerBound * rowStride,
                          rows: range.count, cols: cols, rowStride: rowStride)
    }

    /// The columns in `range` of every row, sharing this view's memory (its row stride stays).
    @inlinable public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols,
                     "columns \(range) outside a matrix of \(cols) columns")
        return MatrixView(base: base + range.lowerBound, rows: rows, cols: range.count, rowStride: rowStride)
    }

    /// The same contiguous memory seen with another shape; `rows * cols` must not change.
    @inlinable public func reshaped(rows newRows: Int, cols newCols: Int) -> MatrixView {
        precondition(isContiguous, "only a contiguous view can be reshaped")
        precondition(newRows * newCols == rows * cols,
                     "cannot reshape \(rows) × \(cols) to \(newRows) × \(newCols)")
        return MatrixView(base: base, rows: newRows, cols: newCols)
    }

    /// This view moved `elements` floats further into memory: item `i` of a batch laid out
    /// `stride` elements apart is `first.advanced(by: i * stride)`.
    @inlinable public func advanced(by elements: Int) -> MatrixView {
        MatrixView(base: base + elements, rows: rows, cols: cols, rowStride: rowStride)
    }
}
