// An activation vector quantised to int16 once per matrix–vector product, so that every weight
// row is dotted with it by integer multiply-adds (CQuantKernels, AVX2) rather than by widening
// each weight to Float32.
//
// x ≈ d·q per 32-value block (d = max|x| / 32767): the rounding is at most d/2 per value, about
// 1.5e-5 of the block's largest magnitude. (int8 codes, as llama.cpp uses, were measured too
// coarse for this model: see QuantKernels.c.) The m·Σx term of Q4_1 uses the exact Σx.

import CQuantKernels

/// One activation vector in int16 blocks (scales, exact block sums, codes), reused across products.
public final class QuantizedActivations: @unchecked Sendable {
    /// Whether this CPU runs the integer kernels (x86-64 with AVX2, FMA and F16C).
    public static let isSupported = lorag_quant_kernels_available() != 0

    /// Whether rows of `type` have an integer kernel on this CPU.
    public static func hasKernel(_ type: GGMLType) -> Bool {
        isSupported && (type == .q4_1 || type == .q8_0)
    }

    /// The most values a vector may have.
    public let capacity: Int
    /// Values of the vector last quantised (a multiple of 32).
    public private(set) var count = 0
    /// Per block: the scale d and Σ x (exact), side by side (2 · capacity / 32).
    let scaleSums: UnsafeMutablePointer<Float>
    /// Per value: the code q, x ≈ d·q (capacity).
    let codes: UnsafeMutablePointer<Int16>

    public init(capacity: Int) {
        precondition(capacity % 32 == 0, "QuantizedActivations: capacity \(capacity) is not whole 32-value blocks")
        self.capacity = capacity
        let blocks = max(1, capacity / 32)
        scaleSums = .allocate(capacity: 2 * blocks)
        codes = .allocate(capacity: 32 * blocks)
    }

    deinit {
        scaleSums.deallocate()
        codes.deallocate()
    }

    /// Quantises `x` (`count` values, a multiple of 32, at most `capacity`).
    public func quantize(_ x: UnsafePointer<Float>, count: Int) {
        precondition(Self.isSupported, "QuantizedActivations: this CPU has no integer kernels")
        precondition(count % 32 == 0 && count <= capacity,
                     "QuantizedActivations: \(count) values, expected whole 32-value blocks up to \(capacity)")
        self.count = count
        lorag_quantize_i16(x, count / 32, scaleSums, codes)
    }

    /// The scale and codes of block `b` of the vector last quantised (for tests).
    public func block(_ b: Int) -> (scale: Float, sum: Float, codes: [Int16]) {
        precondition(b >= 0 && b < count / 32, "QuantizedActivations: block \(b) of \(count / 32)")
        return (scaleSums[2 * b], scaleSums[2 * b + 1], Array(UnsafeBufferPointer(start: codes + 32 * b, count: 32)))
    }

    /// y[r] = row r · x for r in `rows`, rows of `type` (see `hasKernel`) at `base + r · rowStride`,
    /// each `count` values long.
    public func dotRows(_ type: GGMLType, base: UnsafeRawPointer, rowStride: Int, rows: Range<Int>,
                        into y: UnsafeMutablePointer<Float>) {
        precondition(Self.hasKernel(type), "QuantizedActivations: no integer kernel for \(type)")
        let blocks = count / 32
        switch type {
        case .q4_1:
            lorag_rows_q4_1(base, rowStride, rows.lowerBound, rows.upperBound, blocks, scaleSums, codes, y)
        default:
            lorag_rows_q8_0(base, rowStride, rows.lowerBound, rows.upperBound, blocks, scaleSums, codes, y)
        }
    }
}
