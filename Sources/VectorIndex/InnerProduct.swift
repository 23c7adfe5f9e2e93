// The one distance of the index: inner product, which on unit vectors is cosine similarity.
// Reductions use explicit SIMD accumulators because LLVM will not reorder a scalar float sum;
// four independent SIMD8 accumulators keep both AVX2 FMA ports busy.

public enum InnerProduct {
    public typealias Kernel = @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Float

    /// The kernel for vectors of length `dim`, chosen once per index (hnswlib picks its
    /// distance function the same way): a remainder-free loop when `dim` is a multiple of 32.
    public static func kernel(dim: Int) -> Kernel {
        dim % 32 == 0 ? dot32 : dot
    }

    /// Dot product for any length.
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

    /// Dot product for a length that is a multiple of 32.
    @inline(__always)
    public static func dot32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var offset = 0
        let bytes = n * 4
        while offset < bytes {
            s0 = s0.addingProduct(ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self))
            s1 = s1.addingProduct(ra.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self))
            s2 = s2.addingProduct(ra.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self))
            s3 = s3.addingProduct(ra.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self),
                                  rb.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self))
            offset += 128
        }
        return ((s0 + s1) + (s2 + s3)).sum()
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
