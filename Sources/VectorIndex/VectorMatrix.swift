// Row-major float32 storage for [capacity, dim] vectors: one aligned allocation that grows by
// doubling, with rows addressed by slot. The HNSW graph, exact search and the file writer all
// read rows straight from this pointer. A matrix opened from an index file borrows the
// read-only mapping instead (no copy); the first change copies it into owned memory.

public final class VectorMatrix: @unchecked Sendable {
    public let dim: Int
    /// Number of rows in use (slots 0..<rows).
    public private(set) var rows: Int
    public private(set) var capacity: Int
    /// (capacity, dim), 64-byte aligned so SIMD loads never split a cache line at row starts
    /// when dim is a multiple of 16.
    public private(set) var base: UnsafeMutablePointer<Float>
    /// The mapping `base` points into, or nil when the memory is owned.
    private var lender: AnyObject?

    public init(dim: Int, capacity: Int = 0) {
        precondition(dim > 0, "VectorMatrix needs a positive dimension")
        self.dim = dim
        self.rows = 0
        self.capacity = max(capacity, 16)
        self.base = VectorMatrix.allocate(count: self.capacity * dim)
    }

    /// Rows read in place from memory that `lender` keeps alive and that must not be written.
    public init(borrowing rows: UnsafePointer<Float>, count: Int, dim: Int, lender: AnyObject) {
        precondition(dim > 0, "VectorMatrix needs a positive dimension")
        self.dim = dim
        self.rows = count
        self.capacity = count
        self.base = UnsafeMutablePointer(mutating: rows)
        self.lender = lender
    }

    deinit { if lender == nil { base.deallocate() } }

    /// Copies borrowed rows into owned memory before the first change.
    private func makeOwned() {
        guard lender != nil else { return }
        let newCapacity = max(capacity, 16)
        let fresh = VectorMatrix.allocate(count: newCapacity * dim)
        fresh.update(from: base, count: rows * dim)
        base = fresh
        capacity = newCapacity
        lender = nil
    }

    private static func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: count)
    }

    @inline(__always)
    public func row(_ slot: Int) -> UnsafeMutablePointer<Float> { base + slot * dim }

    /// Makes room for at least `needed` rows; existing rows keep their slots.
    public func reserve(_ needed: Int) {
        makeOwned()
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = VectorMatrix.allocate(count: newCapacity * dim)
        fresh.update(from: base, count: rows * dim)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Appends one row and returns its slot.
    @discardableResult
    public func append(_ vector: UnsafeBufferPointer<Float>) -> Int {
        precondition(vector.count == dim, "row of length \(vector.count) appended to matrix of dim \(dim)")
        reserve(rows + 1)
        row(rows).update(from: vector.baseAddress!, count: dim)
        rows += 1
        return rows - 1
    }

    /// Appends `count` uninitialised rows and returns the first new slot.
    public func appendRows(_ count: Int) -> Int {
        reserve(rows + count)
        let first = rows
        rows += count
        return first
    }

    public func set(_ slot: Int, _ vector: UnsafeBufferPointer<Float>) {
        precondition(slot < rows && vector.count == dim, "set row \(slot) of \(rows) with length \(vector.count)")
        makeOwned()
        row(slot).update(from: vector.baseAddress!, count: dim)
    }

    /// Drops every row at or after `count`.
    public func truncate(_ count: Int) {
        precondition(count <= rows)
        rows = count
    }
}
