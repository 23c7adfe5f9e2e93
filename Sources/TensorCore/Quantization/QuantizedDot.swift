// Dot products of one quantised weight row with a Float32 activation vector, block by block,
// without expanding the row to Float32 in memory.
//
// The activations stay Float32 (they are not quantised to Q8 as llama.cpp does): for Q4_1,
// w = d·q + m, so Σ x·w over a block is d·Σ x·q + m·Σ x, and Σ x per block is computed once per
// vector (`blockSums`) rather than once per row. Keeping x exact keeps the logits within the
// float32 reference's tolerance (measured in the Llama tests; see Benchmarks/generate/README.md).

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
    /// m·Σx term of Q4_1 and the −8·d·Σx offset of Q4_0.
    public static func blockSums(_ x: UnsafePointer<Float>, count: Int, into sums: UnsafeMutablePointer<Float>) {
        precondition(count % 32 == 0, "blockSums: \(count) values is not whole 32-value blocks")
        for b in 0..<(count / 32) {
            let p = x + 32 * b
            sums[b] = (p.loadSIMD16(0) + p.loadSIMD16(16)).sum()
        }
    }

    /// Σ row[i]·x[i] over `count` values of a row stored as `type`. `sums` must hold
    /// `blockSums(x)` when `type` is Q4_0 or Q4_1 (it is ignored otherwise). `scratch` (at least
    /// one block of the type, 256 floats) is used by types without a dedicated kernel.
    @inlinable
    public static func dot(
        _ type: GGMLType, row: UnsafeRawPointer, _ x: UnsafePointer<Float>, sums: UnsafePointer<Float>,
        count: Int, scratch: UnsafeMutablePointer<Float>
    ) -> Float {
        switch type {
        case .q4_1: return dotQ4_1(row, x, sums, count: count)
        case .q4_0: return dotQ4_0(row, x, sums, count: count)
        case .q8_0: return dotQ8_0(row, x, count: count)
        case .f32: return VectorMath.dot(row.assumingMemoryBound(to: Float.self), x, count: count)
        default: return dotByDequantizing(type, row, x, count: count, scratch: scratch)
        }
    }

    /// Q4_1 { half d, m; u8 qs[16] }: value j is the low nibble of qs[j], value j+16 the high one.
    @inlinable
    public static func dotQ4_1(
        _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, count: Int
    ) -> Float {
        var acc = SIMD16<Float>()
        var minTerm: Float = 0
        for b in 0..<(count / 32) {
            let block = row + 20 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let m = Float(Float16(bitPattern: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let qs = block.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
            let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: qs & 0x0F))
            let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: qs &>> 4))
            let xb = x + 32 * b
            let partial = lo * xb.loadSIMD16(0) + hi * xb.loadSIMD16(16)
            acc += partial * d
            minTerm += m * sums[b]
        }
        return acc.sum() + minTerm
    }

    /// Q4_0 { half d; u8 qs[16] }: value = d·(q − 8), so Σ x·w = d·(Σ x·q − 8·Σ x).
    @inlinable
    public static func dotQ4_0(
        _ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, _ sums: UnsafePointer<Float>, count: Int
    ) -> Float {
        var acc = SIMD16<Float>()
        var offsetTerm: Float = 0
        for b in 0..<(count / 32) {
            let block = row + 18 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let qs = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
            let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: qs & 0x0F))
            let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: qs &>> 4))
            let xb = x + 32 * b
            acc += (lo * xb.loadSIMD16(0) + hi * xb.loadSIMD16(16)) * d
            offsetTerm += d * sums[b]
        }
        return acc.sum() - 8 * offsetTerm
    }

    /// Q8_0 { half d; i8 qs[32] }.
    @inlinable
    public static func dotQ8_0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD16<Float>()
        for b in 0..<(count / 32) {
            let block = row + 34 * b
            let d = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let q0 = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)
            let q1 = block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)
            let xb = x + 32 * b
            let partial = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q0)) * xb.loadSIMD16(0)
                + SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q1)) * xb.loadSIMD16(16)
            acc += partial * d
        }
        return acc.sum()
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

extension UnsafePointer where Pointee == Float {
    /// 16 floats from `self + offset` (any alignment).
    @inlinable @inline(__always)
    internal func loadSIMD16(_ offset: Int) -> SIMD16<Float> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD16<Float>.self)
    }
}
