// IEEE binary16 (float16) and bfloat16 ↔ Float32, as bit manipulation that vectorises.
//
// Model files store half-precision tensors as raw 16-bit words, so these work on UInt16 bit
// patterns. Swift's `Float16` converts correctly too, but on x86_64 Linux without F16C in the
// baseline target each conversion is a library call; the versions below are branch-free
// integer and float arithmetic, so LLVM vectorises the bulk loops. The tests check them against
// `Float16` itself: exhaustively for widening, on edge cases and many random values for narrowing.

/// Conversions between Float32 and the two 16-bit float formats models ship in.
public enum HalfPrecision {
    /// The Float32 value of a float16 bit pattern (exact: every float16 is a Float32).
    @inlinable @inline(__always)
    public static func float(fromHalf h: UInt16) -> Float {
        let bits = UInt32(h)
        let exponentAndMantissa = bits & 0x7FFF
        // Placing the 15 exponent+mantissa bits at the top of a Float32's and multiplying by
        // 2^(127−15) re-biases the exponent; subnormal halves come out right because the
        // multiply normalises them. Infinity and NaN (exponent all ones) are rebuilt directly.
        let finite = Float(bitPattern: exponentAndMantissa << 13) * 0x1p112
        let special = Float(bitPattern: 0x7F80_0000 | (exponentAndMantissa & 0x3FF) << 13)
        let magnitude = exponentAndMantissa >= 0x7C00 ? special : finite
        return Float(bitPattern: magnitude.bitPattern | (bits & 0x8000) << 16)
    }

    /// The float16 bit pattern nearest to `f`, ties to even; overflow gives ±infinity and NaN
    /// stays NaN (quiet).
    @inlinable @inline(__always)
    public static func half(from f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = (bits >> 16) & 0x8000
        let magnitude = bits & 0x7FFF_FFFF
        // Normal range: re-bias the exponent (−112 << 23), then round the 13 dropped mantissa
        // bits to nearest even by adding 0xFFF plus the lowest kept bit; a carry out of the
        // mantissa correctly bumps the exponent, up to infinity (0x7C00) for |f| ≥ 65520.
        let lowestKept = (magnitude >> 13) & 1
        let normal = (magnitude &- 0x3800_0000 &+ 0x0FFF &+ lowestKept) >> 13
        // Below 2⁻¹⁴ the half is subnormal: adding 0.5 lines the half's last mantissa bit up
        // with the Float32's, so the FPU's own round-to-nearest-even does the rounding.
        let subnormal = (Float(bitPattern: magnitude) + 0.5).bitPattern &- 0x3F00_0000
        // 0x477FF000 is 65520, the first value that rounds to infinity; above that only
        // infinity and NaN remain.
        let overflow: UInt32 = magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00
        let result = magnitude < 0x3880_0000 ? subnormal : (magnitude >= 0x477F_F000 ? overflow : normal)
        return UInt16(truncatingIfNeeded: result | sign)
    }

    /// The Float32 value of a bfloat16 bit pattern (its top 16 bits; exact).
    @inlinable @inline(__always)
    public static func float(fromBFloat16 b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// The bfloat16 bit pattern nearest to `f`, ties to even (as PyTorch's `.to(torch.bfloat16)`);
    /// NaN stays NaN (quiet).
    @inlinable @inline(__always)
    public static func bfloat16(from f: Float) -> UInt16 {
        let bits = f.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
        // Rounding could carry a NaN's mantissa into infinity; keep it NaN by setting the quiet bit.
        let isNaN = bits & 0x7FFF_FFFF > 0x7F80_0000
        return UInt16(truncatingIfNeeded: isNaN ? (bits >> 16) | 0x0040 : rounded)
    }

    /// Widens `count` float16 values.
    public static func convert(halves: UnsafePointer<UInt16>, to out: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = float(fromHalf: halves[i]) }
    }

    /// Narrows `count` floats to float16, rounding to nearest even.
    public static func convert(_ x: UnsafePointer<Float>, toHalves out: UnsafeMutablePointer<UInt16>, count n: Int) {
        for i in 0..<n { out[i] = half(from: x[i]) }
    }

    /// Widens `count` bfloat16 values.
    public static func convert(bfloat16s: UnsafePointer<UInt16>, to out: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = float(fromBFloat16: bfloat16s[i]) }
    }

    /// Narrows `count` floats to bfloat16, rounding to nearest even.
    public static func convert(_ x: UnsafePointer<Float>, toBFloat16s out: UnsafeMutablePointer<UInt16>, count n: Int) {
        for i in 0..<n { out[i] = bfloat16(from: x[i]) }
    }
}
