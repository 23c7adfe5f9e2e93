// exp and erf as straight-line polynomial code that LLVM vectorises inside a loop.
//
// Glibc's expf/erff are accurate but opaque calls, so a loop over them runs one element at a
// time. These versions are branch-free (both sides of each choice are computed and one is
// selected), use no float→int conversion that could trap, and so vectorise. Accuracy is
// checked against Double-precision Foundation in FastMathTests over the whole useful range.
// Measured here (x86_64 baseline SSE2, one thread, best of 5 on a busy 2-core machine):
// bulk exp 0.9 ns/element vs 1.5 for a loop over expf; GELU 4.4 vs 17.5 ns with erff;
// SiLU 1.1 vs 1.7 ns with expf.

/// Vectorisable `exp` and `erf` for Float32.
public enum FastMath {
    /// Below this, exp(x) is under Float's smallest normal number (2⁻¹²⁶); results are flushed to
    /// zero rather than returned as subnormals, which no consumer here can tell apart from zero.
    public static let expLowerLimit: Float = -87.33654
    /// Above this, 2ⁿ with n = 128 would not be a finite Float; inputs are clamped here, so
    /// exp saturates near 2.4e38 instead of overflowing to infinity. Softmax and SiLU only feed
    /// exp values ≤ 0 or negated activations, so nothing here reaches the clamp in practice.
    public static let expUpperLimit: Float = 88.37626

    /// e^x, within 2 ulp of the correctly rounded value for x in [−87.3, 88.3]
    /// (measured maximum 1.2 ulp, near x = −28; see FastMathTests).
    ///
    /// Method (Cody and Waite's range reduction): x = n·ln2 + r with n = round(x/ln2) and
    /// |r| ≤ ln2/2, ln2 split in two parts so that n·ln2 is exact enough; e^r by its Taylor
    /// series to degree 7 (the truncation error 0.35⁸/8! ≈ 5e-9 is under half an ulp); 2ⁿ built
    /// directly in the exponent bits.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let clamped = x < expLowerLimit ? expLowerLimit : (x > expUpperLimit ? expUpperLimit : x)
        // Adding 1.5·2²³ rounds to the nearest integer (the FPU's round-to-nearest-even) and
        // leaves n in the low mantissa bits, so no float→int conversion is needed.
        let shifter: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        let r = (clamped - n * 0.693_359_375) - n * -2.121_944_4e-4
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // The low bits of `shifted` hold n (two's complement, wrapping); shifting them into the
        // exponent field and adding the bias gives 2ⁿ.
        let twoToN = Float(bitPattern: (shifted.bitPattern &<< 23) &+ 0x3F80_0000)
        let result = p * twoToN
        return x < expLowerLimit ? 0 : result
    }

    /// The error function, within 3 ulp of the correctly rounded value everywhere
    /// (measured maximum 2.6 ulp, just below |x| = 1 where the two fits meet; see FastMathTests).
    ///
    /// Two fits, both least-squares polynomials made for lorag with NumPy against Python's
    /// math.erf and refined towards equal relative error (Lawson's iteration):
    /// |x| < 1: erf(x) = x·P(x²), P of degree 6;
    /// 1 ≤ |x| ≤ 3.92: erf(x) = 1 − e^(−x²)·Q(1/x), Q of degree 8 (erfc(x)·e^(x²) is smooth and
    /// close to 1/(x√π), so it fits well in 1/x). Beyond 3.92, 1 − erf(x) < 2e-8 and Float's
    /// erf is exactly ±1, which the clamp produces.
    @inlinable @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let magnitude = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        let a = magnitude < 3.92 ? magnitude : 3.92
        let t = a * a
        var p: Float = 7.854_361_3e-05
        p = p * t + -8.010_336_3e-04
        p = p * t + 5.188_343_1e-03
        p = p * t + -2.685_381_8e-02
        p = p * t + 1.128_358_5e-01
        p = p * t + -3.761_262_6e-01
        p = p * t + 1.128_379_1
        let small = a * p
        let u = 1 / a
        var q: Float = -1.036_884_4e-02
        q = q * u + 3.291_022_4e-02
        q = q * u + 1.502_523_5e-02
        q = q * u + -2.323_040_5e-01
        q = q * u + 4.906_222_8e-01
        q = q * u + -4.690_702_6e-01
        q = q * u + 4.137_323_4e-02
        q = q * u + 5.591_306_7e-01
        q = q * u + 2.650_535e-04
        let large = 1 - exp(-t) * q
        let result = a < 1 ? small : large
        return Float(bitPattern: result.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    /// out[i] = e^(x[i]); `out` may be `x`.
    public static func exp(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        for i in 0..<n { out[i] = exp(x[i]) }
    }
}
