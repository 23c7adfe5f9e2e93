// How a graph walk scores rows against its query: with the float32 vectors (construction, and
// search without codes) or with the eight-bit codes (search; ScalarCodes.swift). The walk is
// generic over this, so each kind gets its own specialised loop with the kernel inlined.

protocol BeamScorer {
    func score(_ slot: Int32) -> Float
    /// Four rows at once: four miss streams in flight instead of one (FAISS's HNSW scores
    /// neighbours in groups of four for the same reason).
    func score4(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) -> SIMD4<Float>
    /// Asks for every cache line of a row, ahead of scoring it.
    func prefetchRow(_ slot: Int32)
}

/// Inner products with the float32 rows.
struct FloatScorer: BeamScorer {
    let query: UnsafePointer<Float>
    let rows: UnsafePointer<Float>
    let dim: Int

    @inline(__always)
    func score(_ slot: Int32) -> Float {
        InnerProduct.dot(query, rows + Int(slot) * dim, dim)
    }

    @inline(__always)
    func score4(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) -> SIMD4<Float> {
        guard dim % 32 == 0 else { return SIMD4(score(a), score(b), score(c), score(d)) }
        return InnerProduct.dot32x4(query, rows + Int(a) * dim, rows + Int(b) * dim, rows + Int(c) * dim,
                                    rows + Int(d) * dim, dim)
    }

    @inline(__always)
    func prefetchRow(_ slot: Int32) {
        prefetchBytes(UnsafeRawPointer(rows + Int(slot) * dim), dim * MemoryLayout<Float>.size)
    }
}

/// Approximate inner products with the eight-bit codes: bias + scaled query · codes.
struct CodeScorer: BeamScorer {
    /// The query times each dimension's step (ScalarCodes.prepare).
    let scaled: UnsafePointer<Float>
    let bias: Float
    let codes: UnsafePointer<UInt8>
    let dim: Int

    @inline(__always)
    func score(_ slot: Int32) -> Float {
        let row = codes + Int(slot) * dim
        guard dim % 16 == 0 else {
            var total: Float = 0
            for d in 0..<dim { total += scaled[d] * Float(row[d]) }
            return bias + total
        }
        let q = UnsafeRawPointer(scaled), c = UnsafeRawPointer(row)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var i = 0
        while i < dim {
            s0 = s0.addingProduct(q.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self), CodeScorer.widen(c, i))
            s1 = s1.addingProduct(q.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self), CodeScorer.widen(c, i + 8))
            i += 16
        }
        return bias + (s0 + s1).sum()
    }

    @inline(__always)
    func score4(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) -> SIMD4<Float> {
        guard dim % 16 == 0 else { return SIMD4(score(a), score(b), score(c), score(d)) }
        let q = UnsafeRawPointer(scaled)
        let ra = UnsafeRawPointer(codes + Int(a) * dim), rb = UnsafeRawPointer(codes + Int(b) * dim)
        let rc = UnsafeRawPointer(codes + Int(c) * dim), rd = UnsafeRawPointer(codes + Int(d) * dim)
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var i = 0
        while i < dim {
            let q0 = q.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let q1 = q.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            a0 = a0.addingProduct(q0, CodeScorer.widen(ra, i)); a1 = a1.addingProduct(q1, CodeScorer.widen(ra, i + 8))
            b0 = b0.addingProduct(q0, CodeScorer.widen(rb, i)); b1 = b1.addingProduct(q1, CodeScorer.widen(rb, i + 8))
            c0 = c0.addingProduct(q0, CodeScorer.widen(rc, i)); c1 = c1.addingProduct(q1, CodeScorer.widen(rc, i + 8))
            d0 = d0.addingProduct(q0, CodeScorer.widen(rd, i)); d1 = d1.addingProduct(q1, CodeScorer.widen(rd, i + 8))
            i += 16
        }
        return SIMD4((a0 + a1).sum(), (b0 + b1).sum(), (c0 + c1).sum(), (d0 + d1).sum()) + bias
    }

    /// Eight codes from byte `offset` as floats (one zero-extending load and a conversion).
    @inline(__always)
    static func widen(_ row: UnsafeRawPointer, _ offset: Int) -> SIMD8<Float> {
        SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: row.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt8>.self)))
    }

    @inline(__always)
    func prefetchRow(_ slot: Int32) {
        prefetchBytes(UnsafeRawPointer(codes + Int(slot) * dim), dim)
    }
}

/// Asks for every cache line of `count` bytes from `start`.
@inline(__always)
func prefetchBytes(_ start: UnsafeRawPointer, _ count: Int) {
    var offset = 0
    while offset < count {
        prefetch(start + offset)
        offset += 64
    }
}
