// Dot products of one quantised weight row with a Float32 activation vector, block by block,
// without expanding the row to Float32 in memory.
//
// The activations stay Float32 (they are not quantised to Q8 as llama.cpp does): for Q4_1,
// w = d·q + m, so Σ x·w over a block is d·Σ x·q + m·Σ x, and Σ x per block is computed once per
// vector (`blockSums`) rather than once per row. Keeping x exact keeps the logits within the
// float32 reference's tolerance (the Llama reference tests check 1e-3).

/// Quantised-row × Float32-vector kernels for the decoder's one-token matrix–vector products.
public enum QuantizedDot {
    /// Whether `type` has a dedicated kernel here (others go through `dotByDequantizing`).
    public static func hasKernel(_ type: GGMLType) -> Bool {
        switch type {
        case .f32, .q4_0, .q4_1, .q8_0: true
        default: false
        }
    }

    /// Σ x[b·32 ..< b·32+32] for every 32-value block b of `x` (`count` a multiple of 32): the
    /// m·Σx term of Q4_1.
    public static func blockSums(_ x: UnsafePointer<Float>, count: Int, into sums: UnsafeMutablePointer<Float>) {
        precondition(count % 32 == 0, "blockSums: \(count) values is not whole 32-value blocks")
        for b in 0..<(count / 32) {
            let p = x + 32 * b
            sums[b] = VectorMath.sum(p, count: 32)
        }
    }

    /// Σ row[i]·x[i] over `count` values of a row stored as `type`. `sums` must hold
    /// `blockSums(x)` when `type` is Q4_1 (it is ignored otherwise). `scratch` (at least
    /// one block of the type, 256 floats) holds each block's widened integers.
    @inlinable
    public static func dot(
        _ type: GGMLType, row: UnsafeRawPointer, _ x: UnsafePointer<Float>, sums: UnsafePointer<Float>,
        count: Int, scratch: UnsafeMutablePointer<Float>
    ) -> Float {
        switch type {
        case .q4_1: return dotQ4_1(row, x, sums, count: count, scratch: scratch)
        case .q4_0: return dotQ4_0(row, x, sums, count: count, scratch: scratch)
        case .q8_0: return dotQ8_0(row, x, count: count, scratch: scratch)
        case .f32: return VectorMath.dot(row.assumingMemoryBound(to: Float.self), x, count: count)
        default: return dotByDequantizing(type, row, x, count: count, scratch: scratch)
        }
    }

    // The kernels widen each block's integers, times the block scale, into 32 floats of `scratch`
    // with plain loops that LLVM vectorises (vpmovzxbd/vpmovsxbd, vcvtdq2ps, vmulps), then
    // multiply-add them with `x` into four independent SIMD8 accumulators through
    // `addingProduct` (one FMA each; four chains hide the FMA latency). Generic SIMD conversions
    // such as SIMD16<Int32>(truncatingIfNeeded:) are not inlined and cost a call per block, and a
    // single `acc += a * b` chain is latency-bound without FMA (both measured with perf).

    /// Q4_1 { half d, m; u8 qs[16] }: value j is the low nibble of qs[j], value j+16 the high one.
    @inlinable
    public static func dotQ4_1(
        _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, count: Int,
        scratch q: UnsafeMutablePointer<Float>
    ) -> Float {
        var acc = Accumulator()
        var minTerm: Float = 0
        for b in 0..<(count / 32) {
            let block = row + 20 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let m = Float(Float16(bitPattern: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                q[j] = d * Float(qs[j] & 0x0F)
                q[j + 16] = d * Float(qs[j] &>> 4)
            }
            acc.add(q, x + 32 * b)
            minTerm += m * sums[b]
        }
        return acc.sum() + minTerm
    }

    /// Q4_0 { half d; u8 qs[16] }: value = d·(q − 8).
    @inlinable
    public static func dotQ4_0(
        _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, count: Int,
        scratch q: UnsafeMutablePointer<Float>
    ) -> Float {
        var acc = Accumulator()
        for b in 0..<(count / 32) {
            let block = row + 18 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let qs = (block + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                q[j] = d * Float(Int32(qs[j] & 0x0F) - 8)
                q[j + 16] = d * Float(Int32(qs[j] &>> 4) - 8)
            }
            acc.add(q, x + 32 * b)
        }
        return acc.sum()
    }

    /// Q8_0 { half d; i8 qs[32] }.
    @inlinable
    public static func dotQ8_0(
        _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int, scratch q: UnsafeMutablePointer<Float>
    ) -> Float {
        var acc = Accumulator()
        for b in 0..<(count / 32) {
            let block = row + 34 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let qs = (block + 2).assumingMemoryBound(to: Int8.self)
            for j in 0..<32 { q[j] = d * Float(qs[j]) }
            acc.add(q, x + 32 * b)
        }
        return acc.sum()
    }

    /// Four SIMD8 partial sums of w·x, one per quarter of a 32-value block.
    @usableFromInline
    struct Accumulator {
        @usableFromInline var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()

        @inlinable init() {}

        /// Adds Σ w[j]·x[j] over 32 values.
        @inlinable @inline(__always)
        mutating func add(_ w: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>) {
            let wr = UnsafeRawPointer(w), xr = UnsafeRawPointer(x)
            a0.addProduct(wr.loadUnaligned(as: SIMD8<Float>.self), xr.loadUnaligned(as: SIMD8<Float>.self))
            a1.addProduct(wr.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self),
                          xr.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
            a2.addProduct(wr.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self),
                          xr.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self))
            a3.addProduct(wr.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self),
                          xr.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
        }

        @inlinable @inline(__always) func sum() -> Float { ((a0 + a1) + (a2 + a3)).sum() }
    }

    /// Any other type: decode one block at a time into `scratch` and dot it there.
    public static func dotByDequantizing(
        _ type: GGMLType, _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int,
        scratch: UnsafeMutablePointer<Float>
    ) -> Float {
        let blockSize = type.blockSize, typeSize = type.typeSize
        // Scalar types have a block of one value: decode 256 at a time instead.
        let step = blockSize == 1 ? min(256, count) : blockSize
        var total: Float = 0
        var i = 0
        while i < count {
            let n = min(step, count - i)
            type.dequantize(row + (i / blockSize) * typeSize, count: n, into: scratch)
            total += VectorMath.dot(scratch, x + i, count: n)
            i += n
        }
        return total
    }
}
