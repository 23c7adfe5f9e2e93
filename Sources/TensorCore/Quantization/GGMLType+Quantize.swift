// Reference (scalar, unoptimised) encoders for every supported GGML type.
//
// They exist for two jobs: writing test files from known values, and later quantising activations
// to Q8_0 for the quantised dot products. The legacy 32-value formats pick their scales as ggml's
// reference quantisers do (published in ggml-quants.c's `quantize_row_*_ref`; re-derived, not
// copied). The K-quants use a simpler scale search than ggml's iterative one: per sub-block min/max,
// then one 6-bit (Q4_K, Q5_K) or 8-bit (Q6_K) quantisation of the sub-block scales against a
// per-block half-precision factor. Files written this way decode with any GGUF reader; they are
// just slightly less accurate than llama.cpp's own K-quants.

extension GGMLType {
    /// Encodes `count` values (a whole number of blocks) into `byteCount(elements: count)` bytes at `dst`.
    public func quantize(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
        precondition(count >= 0 && count % blockSize == 0,
                     "\(self): \(count) values is not a whole number of \(blockSize)-value blocks")
        let blocks = count / blockSize
        switch self {
        case .f32:
            dst.copyMemory(from: src, byteCount: count * 4)
        case .f16:
            for i in 0..<count { dst.storeBytes(of: Float16(src[i]).bitPattern, toByteOffset: 2 * i, as: UInt16.self) }
        case .bf16:
            for i in 0..<count { dst.storeBytes(of: GGMLType.bfloat16Bits(src[i]), toByteOffset: 2 * i, as: UInt16.self) }
        case .q4_0, .q5_0:
            for b in 0..<blocks { GGMLType.encodeSymmetric(src + 32 * b, dst + typeSize * b, fiveBit: self == .q5_0) }
        case .q4_1, .q5_1:
            for b in 0..<blocks { GGMLType.encodeAffine(src + 32 * b, dst + typeSize * b, fiveBit: self == .q5_1) }
        case .q8_0:
            for b in 0..<blocks { GGMLType.encodeQ8_0(src + 32 * b, dst + 34 * b) }
        case .q4_K, .q5_K:
            for b in 0..<blocks { GGMLType.encodeK(src + 256 * b, dst + typeSize * b, fiveBit: self == .q5_K) }
        case .q6_K:
            for b in 0..<blocks { GGMLType.encodeQ6_K(src + 256 * b, dst + 210 * b) }
        }
    }

    /// Convenience for tests and small tensors.
    public func quantize(_ values: [Float]) -> [UInt8] {
        guard let size = byteCount(elements: values.count) else {
            preconditionFailure("\(self): \(values.count) values is not a whole number of \(blockSize)-value blocks")
        }
        var out = [UInt8](repeating: 0, count: size)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in
                if let s = src.baseAddress, let d = dst.baseAddress { quantize(s, count: values.count, into: d) }
            }
        }
        return out
    }

    /// Float32 to bfloat16, rounding to nearest even; NaN stays a quiet NaN.
    public static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(bits >> 16) | 0x0040 }
        return UInt16((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// A float code to an integer, truncating toward zero like a C cast, but total: NaN and
    /// infinities (from NaN or infinite inputs) give 0 or a clamped value instead of trapping.
    private static func code(_ v: Float) -> Int {
        v.isNaN ? 0 : Int(max(-1e6, min(1e6, v)))
    }

    private static func storeHalf(_ x: Float, _ dst: UnsafeMutableRawPointer, _ offset: Int) {
        dst.storeBytes(of: Float16(x).bitPattern, toByteOffset: offset, as: UInt16.self)
    }

    /// Stores 32 codes (4 or 5 bits each) in the Q4/Q5 nibble order: value j low nibble of qs[j],
    /// value j + 16 high nibble; fifth bits, if any, into the 32-bit `qh` at `qhOffset`.
    private static func packNibbles(_ codes: [Int], _ dst: UnsafeMutableRawPointer, qsOffset: Int, qhOffset: Int?) {
        var qh: UInt32 = 0
        for j in 0..<16 {
            let lo = codes[j], hi = codes[j + 16]
            dst.storeBytes(of: UInt8(lo & 0x0F) | UInt8(hi & 0x0F) << 4, toByteOffset: qsOffset + j, as: UInt8.self)
            qh |= UInt32((lo >> 4) & 1) << UInt32(j) | UInt32((hi >> 4) & 1) << UInt32(j + 16)
        }
        if let qhOffset { dst.storeBytes(of: qh.littleEndian, toByteOffset: qhOffset, as: UInt32.self) }
    }

    /// Q4_0 / Q5_0: the value of largest magnitude maps to code 0, so d = that value / -8 (or -16).
    private static func encodeSymmetric(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, fiveBit: Bool) {
        var extreme: Float = 0
        for j in 0..<32 where abs(x[j]) > abs(extreme) { extreme = x[j] }
        let levels: Float = fiveBit ? 16 : 8
        let d = extreme / -levels
        let inverse: Float = d != 0 ? 1 / d : 0
        let maxCode = fiveBit ? 31 : 15
        let codes = (0..<32).map { j in min(maxCode, code(x[j] * inverse + levels + 0.5)) }
        storeHalf(d, dst, 0)
        packNibbles(codes, dst, qsOffset: fiveBit ? 6 : 2, qhOffset: fiveBit ? 2 : nil)
    }

    /// Q4_1 / Q5_1: codes span [min, max] in 15 (or 31) steps; value = d * q + min.
    private static func encodeAffine(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, fiveBit: Bool) {
        var lo = x[0], hi = x[0]
        for j in 1..<32 { lo = min(lo, x[j]); hi = max(hi, x[j]) }
        let maxCode = fiveBit ? 31 : 15
        let d = (hi - lo) / Float(maxCode)
        let inverse: Float = d != 0 ? 1 / d : 0
        let codes = (0..<32).map { j in min(maxCode, code((x[j] - lo) * inverse + 0.5)) }
        storeHalf(d, dst, 0)
        storeHalf(lo, dst, 2)
        packNibbles(codes, dst, qsOffset: fiveBit ? 8 : 4, qhOffset: fiveBit ? 4 : nil)
    }

    /// Q8_0: d = max|x| / 127, codes rounded to nearest.
    private static func encodeQ8_0(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        storeHalf(d, dst, 0)
        for j in 0..<32 {
            dst.storeBytes(of: Int8(clamping: code((x[j] * inverse).rounded())), toByteOffset: 2 + j, as: Int8.self)
        }
    }

    /// Q4_K / Q5_K. Per sub-block of 32: min m_i <= 0 and step s_i = (max - m_i) / 15 (or 31). The
    /// block factors d = max s_i / 63 and dmin = max(-m_i) / 63 are rounded to half precision first,
    /// then the 6-bit sub-block scales and mins against them, then the codes against the rounded result,
    /// so codes compensate for the rounding of the scales.
    private static func encodeK(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, fiveBit: Bool) {
        let maxCode = fiveBit ? 31 : 15
        var steps = [Float](repeating: 0, count: 8), negMins = [Float](repeating: 0, count: 8)
        for i in 0..<8 {
            var lo: Float = 0, hi = x[32 * i]
            for l in 0..<32 { lo = min(lo, x[32 * i + l]); hi = max(hi, x[32 * i + l]) }
            steps[i] = max(0, hi - lo) / Float(maxCode)
            negMins[i] = -lo
        }
        let d = Float(Float16(steps.max()! / 63)), dmin = Float(Float16(negMins.max()! / 63))
        let sc = steps.map { d > 0 ? min(63, code(($0 / d).rounded())) : 0 }
        let mn = negMins.map { dmin > 0 ? min(63, code(($0 / dmin).rounded())) : 0 }
        storeHalf(d, dst, 0)
        storeHalf(dmin, dst, 2)
        // The 12-byte scale field, as decoded by `scaleAndMinK`.
        for j in 0..<4 {
            dst.storeBytes(of: UInt8(sc[j] & 63) | UInt8(sc[j + 4] >> 4) << 6, toByteOffset: 4 + j, as: UInt8.self)
            dst.storeBytes(of: UInt8(mn[j] & 63) | UInt8(mn[j + 4] >> 4) << 6, toByteOffset: 8 + j, as: UInt8.self)
            dst.storeBytes(of: UInt8(sc[j + 4] & 0x0F) | UInt8(mn[j + 4] & 0x0F) << 4, toByteOffset: 12 + j, as: UInt8.self)
        }
        var codes = [Int](repeating: 0, count: 256)
        for i in 0..<8 {
            let step = d * Float(sc[i]), offset = dmin * Float(mn[i])
            for l in 0..<32 {
                let q = step > 0 ? code(((x[32 * i + l] + offset) / step).rounded()) : 0
                codes[32 * i + l] = max(0, min(maxCode, q))
            }
        }
        let qs = fiveBit ? 48 : 16
        for c in 0..<4 {
            for l in 0..<32 {
                let lo = codes[64 * c + l], hi = codes[64 * c + 32 + l]
                dst.storeBytes(of: UInt8(lo & 0x0F) | UInt8(hi & 0x0F) << 4, toByteOffset: qs + 32 * c + l, as: UInt8.self)
            }
        }
        if fiveBit {
            for l in 0..<32 {
                var h: UInt8 = 0
                for c in 0..<4 {
                    h |= UInt8((codes[64 * c + l] >> 4) & 1) << UInt8(2 * c)
                    h |= UInt8((codes[64 * c + 32 + l] >> 4) & 1) << UInt8(2 * c + 1)
                }
                dst.storeBytes(of: h, toByteOffset: 16 + l, as: UInt8.self)
            }
        }
    }

    /// Q6_K. Per sub-block of 16: scale s_i = (signed value of largest magnitude) / -32, so that value
    /// maps to code -32 exactly; d = max|s_i| / 127 in half precision; 8-bit scales, then codes.
    private static func encodeQ6_K(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer) {
        var scales = [Float](repeating: 0, count: 16)
        for i in 0..<16 {
            var extreme: Float = 0
            for l in 0..<16 where abs(x[16 * i + l]) > abs(extreme) { extreme = x[16 * i + l] }
            scales[i] = extreme / -32
        }
        let d = Float(Float16(scales.map(abs).max()! / 127))
        let sc = scales.map { d > 0 ? max(-128, min(127, code(($0 / d).rounded()))) : 0 }
        var codes = [Int](repeating: 0, count: 256)   // stored as q + 32, 0...63
        for e in 0..<256 {
            let step = d * Float(sc[e / 16])
            let q = step != 0 ? code((x[e] / step).rounded()) : 0
            codes[e] = max(-32, min(31, q)) + 32
        }
        for i in 0..<16 { dst.storeBytes(of: Int8(sc[i]), toByteOffset: 192 + i, as: Int8.self) }
        storeHalf(d, dst, 208)
        for h in 0..<2 {
            for l in 0..<32 {
                let c = (0..<4).map { k in codes[128 * h + 32 * k + l] }
                dst.storeBytes(of: UInt8(c[0] & 0x0F) | UInt8(c[2] & 0x0F) << 4, toByteOffset: 64 * h + l, as: UInt8.self)
                dst.storeBytes(of: UInt8(c[1] & 0x0F) | UInt8(c[3] & 0x0F) << 4, toByteOffset: 64 * h + 32 + l, as: UInt8.self)
                let high = (0..<4).reduce(UInt8(0)) { acc, k in acc | UInt8(c[k] >> 4) << UInt8(2 * k) }
                dst.storeBytes(of: high, toByteOffset: 128 + 32 * h + l, as: UInt8.self)
            }
        }
    }
}
