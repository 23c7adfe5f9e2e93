// Decoding of every supported GGML block format to Float32.
//
// Formulas follow the block layouts listed on `GGMLType.typeSize`; the meaning of each field is from
// ggml's published format (docs/gguf.md, ggml-common.h) and was cross-checked against the `gguf`
// Python package's numpy dequantiser, whose outputs are the reference the tests compare with.
// Products are formed in the same order as that reference (`(d * scale) * q - (dmin * m)`) so that
// results agree to the last bit, not just to a tolerance.

extension GGMLType {
    /// Decodes `count` values starting at `src` (which need not be aligned) into `dst`.
    /// `count` must be a whole number of blocks: callers validate row lengths when a file is read.
    public func dequantize(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        precondition(count >= 0 && count % blockSize == 0,
                     "\(self): \(count) values is not a whole number of \(blockSize)-value blocks")
        let blocks = count / blockSize
        switch self {
        case .f32:
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
        case .f16:
            for i in 0..<count { dst[i] = GGMLType.half(src, 2 * i) }
        case .bf16:
            for i in 0..<count {
                dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .q4_0:
            for b in 0..<blocks { GGMLType.decodeQ4_0(src + b * 18, dst + b * 32) }
        case .q4_1:
            for b in 0..<blocks { GGMLType.decodeQ4_1(src + b * 20, dst + b * 32) }
        case .q5_0:
            for b in 0..<blocks { GGMLType.decodeQ5(src + b * 22, dst + b * 32, hasMin: false) }
        case .q5_1:
            for b in 0..<blocks { GGMLType.decodeQ5(src + b * 24, dst + b * 32, hasMin: true) }
        case .q8_0:
            for b in 0..<blocks { GGMLType.decodeQ8_0(src + b * 34, dst + b * 32) }
        case .q4_K:
            for b in 0..<blocks { GGMLType.decodeK(src + b * 144, dst + b * 256, fifthBit: false) }
        case .q5_K:
            for b in 0..<blocks { GGMLType.decodeK(src + b * 176, dst + b * 256, fifthBit: true) }
        case .q6_K:
            for b in 0..<blocks { GGMLType.decodeQ6_K(src + b * 210, dst + b * 256) }
        }
    }

    /// Convenience for tests and small tensors: decodes a byte array holding `count` values.
    public func dequantize(_ bytes: [UInt8], count: Int) -> [Float] {
        precondition(byteCount(elements: count) == bytes.count,
                     "\(self): \(bytes.count) bytes do not hold \(count) values")
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress, count > 0 { dequantize(base, count: count, into: out.baseAddress!) }
            }
            initialized = count
        }
    }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// Q4_0: value j (j < 16) is the low nibble of qs[j], value j + 16 the high nibble; both offset by 8.
    private static func decodeQ4_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        let qs = block + 2
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            y[j] = Float(Int(q & 0x0F) - 8) * d
            y[j + 16] = Float(Int(q >> 4) - 8) * d
        }
    }

    /// Q4_1: unsigned nibbles in the Q4_0 order, value = d * q + m.
    private static func decodeQ4_1(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), m = half(block, 2)
        let qs = block + 4
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            y[j] = d * Float(q & 0x0F) + m
            y[j + 16] = d * Float(q >> 4) + m
        }
    }

    /// Q5_0 / Q5_1: nibbles as Q4_x plus a fifth bit from the 32-bit `qh`: bit j for value j, so
    /// value j + 16 takes bit j + 16. Q5_0 is centred (q - 16) * d, Q5_1 is d * q + m.
    private static func decodeQ5(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, hasMin: Bool) {
        let d = half(block, 0)
        let m: Float = hasMin ? half(block, 2) : 0
        let header = hasMin ? 4 : 2
        let qh = block.loadUnaligned(fromByteOffset: header, as: UInt32.self).littleEndian
        let qs = block + header + 4
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            let lo = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
            let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
            if hasMin {
                y[j] = d * Float(lo) + m
                y[j + 16] = d * Float(hi) + m
            } else {
                y[j] = Float(lo - 16) * d
                y[j + 16] = Float(hi - 16) * d
            }
        }
    }

    /// Q8_0: 32 signed bytes times one scale.
    private static func decodeQ8_0(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        for j in 0..<32 { y[j] = d * Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) }
    }

    /// The 6-bit scale and min of sub-block `j` (0..<8) of a Q4_K/Q5_K block, from the 12-byte
    /// `scales` field. Bytes 0-3 hold scales 0-3 in their low 6 bits, bytes 4-7 mins 0-3; scales and
    /// mins 4-7 keep their low 4 bits in the low and high nibbles of bytes 8-11 and their top 2 bits
    /// in the top 2 bits of bytes 0-3 (scales) and 4-7 (mins).
    @inline(__always)
    static func scaleAndMinK(_ scales: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
        func byte(_ i: Int) -> UInt8 { scales.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (byte(j) & 63, byte(j + 4) & 63) }
        let scale = (byte(j + 4) & 0x0F) | ((byte(j - 4) >> 6) << 4)
        let min = (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4)
        return (scale, min)
    }

    /// Q4_K / Q5_K: 256 values in 8 sub-blocks of 32, value = (d * scale) * q - (dmin * min).
    /// Each 64-value chunk c uses qs[32c ..< 32c + 32]: low nibbles for its first 32 values (sub-block
    /// 2c), high nibbles for the next 32 (sub-block 2c + 1). Q5_K adds bit 2c of qh[l] to value l of the
    /// first half and bit 2c + 1 to value l of the second half, as the fifth bit.
    private static func decodeK(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, fifthBit: Bool) {
        let d = half(block, 0), dmin = half(block, 2)
        let scales = block + 4
        let qh = block + 16
        let qs = block + (fifthBit ? 48 : 16)
        for c in 0..<4 {
            let (sc0, m0) = scaleAndMinK(scales, 2 * c)
            let (sc1, m1) = scaleAndMinK(scales, 2 * c + 1)
            let d0 = d * Float(sc0), min0 = dmin * Float(m0)
            let d1 = d * Float(sc1), min1 = dmin * Float(m1)
            let out = y + 64 * c
            for l in 0..<32 {
                let q = qs.load(fromByteOffset: 32 * c + l, as: UInt8.self)
                var lo = Int(q & 0x0F), hi = Int(q >> 4)
                if fifthBit {
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    lo |= Int((h >> UInt8(2 * c)) & 1) << 4
                    hi |= Int((h >> UInt8(2 * c + 1)) & 1) << 4
                }
                out[l] = d0 * Float(lo) - min0
                out[l + 32] = d1 * Float(hi) - min1
            }
        }
    }

    /// Q6_K: 256 values in 16 sub-blocks of 16 with signed 8-bit scales, value = (d * scale) * (q - 32).
    /// Each half h (128 values) uses ql[64h ..< 64h + 64] and qh[32h ..< 32h + 32]; within a half,
    /// value 32k + l takes its low 4 bits from ql[l] (k = 0, 2) or ql[l + 32] (k = 1, 3), low nibble for
    /// k < 2 and high nibble otherwise, and its top 2 bits from bits 2k, 2k + 1 of qh[l].
    private static func decodeQ6_K(_ block: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(block, 208)
        for h in 0..<2 {
            let ql = block + 64 * h
            let qh = block + 128 + 32 * h
            let out = y + 128 * h
            for k in 0..<4 {
                let scale = Float(block.load(fromByteOffset: 192 + 8 * h + 2 * k, as: Int8.self))
                let scaleNext = Float(block.load(fromByteOffset: 192 + 8 * h + 2 * k + 1, as: Int8.self))
                let lowByteOffset = (k & 1) * 32
                let nibbleShift = UInt8(k >> 1) * 4
                for l in 0..<32 {
                    let low = (ql.load(fromByteOffset: lowByteOffset + l, as: UInt8.self) >> nibbleShift) & 0x0F
                    let high = (qh.load(fromByteOffset: l, as: UInt8.self) >> UInt8(2 * k)) & 3
                    let q = Float(Int(low | high << 4) - 32)
                    out[32 * k + l] = d * (l < 16 ? scale : scaleNext) * q
                }
            }
        }
    }
}
