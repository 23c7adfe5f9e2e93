// The one distance of the index: inner product, which on unit vectors is cosine similarity.
// Reductions use explicit SIMD accumulators because LLVM will not reorder a scalar float sum;
// two SIMD8 accumulators per row (the search is bound by memory, not by the FMA ports).

public enum InnerProduct {
    public typealias Kernel = @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Float

    /// The kernel for vectors of length `dim`, chosen once per index (hnswlib picks its
    /// distance function the same way): a remainder-free loop when `dim` is a multiple of 32.
    public static func kernel(dim: Int) -> Kernel {
        dim % 32 == 0 ? dot32 : dot
    }

    /// Dot product for any length: `dot32` over the whole 32-float blocks (so for a multiple of
    /// 32 the result is exactly `dot32`'s, and `dot32x4`'s), then the remainder one by one.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let blocks = n / 32
        var total = blocks > 0 ? dot32(a, b, blocks * 32) : 0
        var i = blocks * 32
        while i < n {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// Dot product for a length that is a multiple of 32. Two accumulators, each summing every
    /// other 8-float block, in exactly the order `dot32x4` uses for each of its rows, so a score
    /// does not depend on which of the two kernels computed it.
    @inline(__always)
    public static func dot32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var offset = 0
        let bytes = n * 4
        while offset < bytes {
            s0 = s0.addingProduct(ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            s1 = s1.addingProduct(ra.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            offset += 64
        }
        return (s0 + s1).sum()
    }

    /// `q` against four rows at once, for a length that is a multiple of 32. The beam search is
    /// bound by cache misses on scattered rows; reading four rows side by side keeps four miss
    /// streams in flight where one dot product at a time keeps one (FAISS's HNSW scores
    /// neighbours in groups of four for the same reason).
    @inline(__always)
    public static func dot32x4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                               _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ n: Int) -> SIMD4<Float> {
        let rq = UnsafeRawPointer(q)
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), rc = UnsafeRawPointer(c), rd = UnsafeRawPointer(d)
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var offset = 0
        let bytes = n * 4
        while offset < bytes {
            let q0 = rq.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let q1 = rq.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            a0 = a0.addingProduct(q0, ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            a1 = a1.addingProduct(q1, ra.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            b0 = b0.addingProduct(q0, rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            b1 = b1.addingProduct(q1, rb.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            c0 = c0.addingProduct(q0, rc.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            c1 = c1.addingProduct(q1, rc.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            d0 = d0.addingProduct(q0, rd.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            d1 = d1.addingProduct(q1, rd.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            offset += 64
        }
        return SIMD4((a0 + a1).sum(), (b0 + b1).sum(), (c0 + c1).sum(), (d0 + d1).sum())
    }

    /// Scales `v` to unit length in place; returns false (leaving `v` alone) for a zero or
    /// non-finite vector, which cannot be indexed by cosine.
    public static func normalize(_ v: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        let squared = dot(v, v, n)
        guard squared.isFinite, squared > 0 else { return false }
        let scale = 1 / squared.squareRoot()
        for i in 0..<n { v[i] *= scale }
        return true
    }
}
