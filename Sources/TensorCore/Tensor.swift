// Owned Float32 storage: one aligned allocation per tensor, freed when the last reference goes.
//
// Models allocate their weights, activations and scratch as a handful of `Tensor`s up front
// (llama2.c's "run state") and then work through `MatrixView`s and raw pointers, so nothing
// allocates on the hot path and no copy-on-write array is mutated element by element.

/// A contiguous, 64-byte aligned, zero-initialised block of `Float`s with a shape.
///
/// The class owns the memory; `data` stays valid for the tensor's lifetime. It is
/// `@unchecked Sendable` because kernels split work on it across threads by disjoint row
/// ranges: coordinating writers is the caller's job, as with any raw buffer.
public final class Tensor: @unchecked Sendable {
    /// 64 bytes: one cache line, and a whole AVX-512 vector should a build ever use one.
    public static let alignment = 64

    /// Dimensions, outermost first (row-major). `[]` is a scalar holding one element.
    public let shape: [Int]
    /// Number of elements: the product of `shape`.
    public let count: Int
    /// The first element; `count` elements follow contiguously.
    public let data: UnsafeMutablePointer<Float>

    /// Allocates a tensor of the given shape filled with zeros.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        self.shape = shape
        self.count = shape.reduce(1, *)
        // Allocating at least one element keeps `data` a real, freeable pointer for empty shapes.
        let capacity = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Float>.stride, alignment: Tensor.alignment)
        data = raw.bindMemory(to: Float.self, capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// Allocates a zero-filled `rows × cols` matrix.
    public convenience init(rows: Int, cols: Int) {
        self.init(shape: [rows, cols])
    }

    /// Allocates a tensor and copies `values` (row-major) into it.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count,
                     "Tensor shape \(shape) holds \(count) values, given \(values.count)")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { data.update(from: base, count: count) }
        }
    }

    deinit {
        UnsafeMutableRawPointer(data).deallocate()
    }

    /// The elements as a buffer, for `for` loops and `Array(tensor.buffer)` outside hot paths.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// The tensor seen as a matrix: the last dimension is the columns and every leading
    /// dimension folds into rows (a vector is one row; a scalar is 1 × 1).
    public var matrix: MatrixView {
        let cols = shape.last ?? 1
        return MatrixView(base: data, rows: cols == 0 ? 0 : count / cols, cols: cols)
    }

    /// The same memory seen as a `rows × cols` matrix; `rows * cols` must equal `count`.
    public func matrix(rows: Int, cols: Int) -> MatrixView {
        precondition(rows * cols == count,
                     "cannot view \(count) elements of shape \(shape) as \(rows) × \(cols)")
        return MatrixView(base: data, rows: rows, cols: cols)
    }

    /// A pointer to the start of row `index` of `matrix` (leading dimensions folded).
    @inlinable public func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        let cols = shape.last ?? 1
        precondition(index >= 0 && (index + 1) * cols <= count, "row \(index) outside tensor of shape \(shape)")
        return data + index * cols
    }

    /// Sets every element to zero (gradient buffers are zeroed once per step, as in llm.c).
    public func zero() {
        data.update(repeating: 0, count: count)
    }

    /// Copies the elements of `other`, which must hold the same number of elements.
    public func copy(from other: Tensor) {
        precondition(other.count == count, "copy of \(other.count) elements into tensor of \(count)")
        data.update(from: other.data, count: count)
    }

    /// The elements as a new array (for tests and output, not for hot paths).
    public func toArray() -> [Float] {
        Array(buffer)
    }
}
