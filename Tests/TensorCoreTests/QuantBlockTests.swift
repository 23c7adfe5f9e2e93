// GGML block formats decoded from blocks built by hand, field by field, from the format description
// (ggml's docs/gguf.md and ggml-common.h), with expected values computed here independently.

import Testing
@testable import TensorCore

@Suite struct QuantBlockTests {
    static func half(_ x: Float) -> [UInt8] {
        let bits = Float16(x).bitPattern
        return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }

    @Test func sizesAndIds() {
        let expected: [(GGMLType, UInt32, Int, Int)] = [
            (.f32, 0, 1, 4), (.f16, 1, 1, 2), (.q4_0, 2, 32, 18), (.q4_1, 3, 32, 20), (.q5_0, 6, 32, 22),
            (.q5_1, 7, 32, 24), (.q8_0, 8, 32, 34), (.q4_K, 12, 256, 144), (.q5_K, 13, 256, 176),
            (.q6_K, 14, 256, 210), (.bf16, 30, 1, 2),
        ]
        for (type, id, block, size) in expected {
            #expect(type.rawValue == id && type.blockSize == block && type.typeSize == size, "\(type)")
        }
        #expect(GGMLType.q4_K.byteCount(elements: 512) == 288)
        #expect(GGMLType.q4_K.byteCount(elements: 100) == nil)
        #expect(GGMLType.q8_0.byteCount(elements: Int.max - Int.max % 32) == nil)   // 34 bytes per 32 overflows
        #expect(GGMLType.name(forID: 10) == "Q2_K" && GGMLType.q6_K.description == "Q6_K")
    }

    /// Q4_0 with d = 0.5 and codes q_j = j % 16: value j = (q - 8) * 0.5.
    @Test func q4_0() {
        let codes = (0..<32).map { $0 % 16 }
        let block = Self.half(0.5) + (0..<16).map { UInt8(codes[$0] | codes[$0 + 16] << 4) }
        #expect(GGMLType.q4_0.dequantize(block, count: 32) == codes.map { Float($0 - 8) * 0.5 })
    }

    /// Q4_1 with d = 0.25, m = -1: value = 0.25 q - 1.
    @Test func q4_1() {
        let codes = (0..<32).map { (31 - $0) % 16 }
        let block = Self.half(0.25) + Self.half(-1) + (0..<16).map { UInt8(codes[$0] | codes[$0 + 16] << 4) }
        #expect(GGMLType.q4_1.dequantize(block, count: 32) == codes.map { Float($0) * 0.25 - 1 })
    }

    /// Q5_0 / Q5_1 with 5-bit codes q_j = j: the fifth bit of value j is bit j of qh.
    @Test func q5() {
        let codes = Array(0..<32)
        var qh: UInt32 = 0
        for j in 0..<32 where codes[j] >= 16 { qh |= 1 << UInt32(j) }
        let qhBytes = (0..<4).map { UInt8((qh >> UInt32(8 * $0)) & 0xFF) }
        let qs = (0..<16).map { UInt8(codes[$0] & 15 | (codes[$0 + 16] & 15) << 4) }
        #expect(GGMLType.q5_0.dequantize(Self.half(2) + qhBytes + qs, count: 32) == codes.map { Float($0 - 16) * 2 })
        #expect(GGMLType.q5_1.dequantize(Self.half(0.5) + Self.half(3) + qhBytes + qs, count: 32)
                == codes.map { Float($0) * 0.5 + 3 })
    }

    /// Q8_0 with d = 0.125 and signed codes.
    @Test func q8_0() {
        let codes = (0..<32).map { Int8($0 * 8 - 128) }
        let block = Self.half(0.125) + codes.map { UInt8(bitPattern: $0) }
        #expect(GGMLType.q8_0.dequantize(block, count: 32) == codes.map { Float($0) * 0.125 })
    }

    /// The 12-byte K-quant scale field, packed here bit by bit from the spec's description:
    /// 6-bit scale i and min i for i < 4 in the low bits of bytes i and i + 4; for i >= 4 the low
    /// nibbles in byte i + 4 (scale low, min high) and the top two bits in bits 6-7 of bytes i - 4
    /// (scale) and i (min).
    static func packScales(_ sc: [Int], _ mn: [Int]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 {
            if i < 4 {
                bytes[i] |= UInt8(sc[i])
                bytes[i + 4] |= UInt8(mn[i])
            } else {
                bytes[i + 4] |= UInt8(sc[i] & 0xF) | UInt8(mn[i] & 0xF) << 4
                bytes[i - 4] |= UInt8(sc[i] >> 4) << 6
                bytes[i] |= UInt8(mn[i] >> 4) << 6
            }
        }
        return bytes
    }

    // Scales and mins that use all six bits, so both halves of the packing matter.
    static let sc = [1, 63, 17, 32, 48, 5, 60, 33]
    static let mn = [0, 9, 63, 40, 16, 55, 2, 47]

    /// Q4_K: value e is in sub-block e / 32; its code is nibble (e / 32) % 2 of qs[32 (e / 64) + e % 32].
    @Test func q4_K() {
        let codes = (0..<256).map { ($0 * 7 + $0 / 32) % 16 }
        var qs = [UInt8](repeating: 0, count: 128)
        for e in 0..<256 { qs[32 * (e / 64) + e % 32] |= UInt8(codes[e]) << (4 * UInt8((e / 32) % 2)) }
        let d: Float = 0.0625, dmin: Float = 0.5
        let block = Self.half(d) + Self.half(dmin) + Self.packScales(Self.sc, Self.mn) + qs
        let want = (0..<256).map { e in d * Float(Self.sc[e / 32]) * Float(codes[e]) - dmin * Float(Self.mn[e / 32]) }
        #expect(GGMLType.q4_K.dequantize(block, count: 256) == want)
    }

    /// Q5_K: as Q4_K plus the fifth bit of value e in bit e / 32 of qh[e % 32].
    @Test func q5_K() {
        let codes = (0..<256).map { ($0 * 13 + $0 / 32) % 32 }
        var qs = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 32)
        for e in 0..<256 {
            qs[32 * (e / 64) + e % 32] |= UInt8(codes[e] & 15) << (4 * UInt8((e / 32) % 2))
            qh[e % 32] |= UInt8(codes[e] >> 4) << UInt8(e / 32)
        }
        let d: Float = 0.03125, dmin: Float = 0.25
        let block = Self.half(d) + Self.half(dmin) + Self.packScales(Self.sc, Self.mn) + qh + qs
        let want = (0..<256).map { e in d * Float(Self.sc[e / 32]) * Float(codes[e]) - dmin * Float(Self.mn[e / 32]) }
        #expect(GGMLType.q5_K.dequantize(block, count: 256) == want)
    }

    /// Q6_K: value e = 128 h + 32 k + l has scale scales[e / 16]; low 4 bits in ql[64 h + 32 (k % 2) + l]
    /// (low nibble for k < 2), high 2 bits at bits 2k of qh[32 h + l]; value = d * scale * (q - 32).
    @Test func q6_K() {
        let codes = (0..<256).map { ($0 * 29 + 5) % 64 }
        let scales: [Int8] = [1, -1, 127, -128, 3, 64, -7, 12, 100, -100, 0, 5, -33, 77, 2, -2]
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for e in 0..<256 {
            let h = e / 128, k = (e % 128) / 32, l = e % 32
            ql[64 * h + 32 * (k % 2) + l] |= UInt8(codes[e] & 15) << (k < 2 ? 0 : 4)
            qh[32 * h + l] |= UInt8(codes[e] >> 4) << UInt8(2 * k)
        }
        let d: Float = 0.001
        let block = ql + qh + scales.map { UInt8(bitPattern: $0) } + Self.half(d)
        let dh = Float(Float16(d))
        let want = (0..<256).map { e in dh * Float(scales[e / 16]) * Float(codes[e] - 32) }
        #expect(GGMLType.q6_K.dequantize(block, count: 256) == want)
    }

    @Test func halfAndBFloat16() {
        let values: [Float] = [0, -0.0, 1, -2.5, 65504, 1e-7, .infinity]
        #expect(GGMLType.f16.dequantize(GGMLType.f16.quantize(values), count: values.count) == values.map { Float(Float16($0)) })
        #expect(GGMLType.bf16.dequantize([0x80, 0x3F, 0x20, 0xC0], count: 2) == [1, -2.5])
        // Round to nearest even: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 and goes to 1.
        #expect(GGMLType.bfloat16Bits(1 + 1.0 / 256) == 0x3F80)
        #expect(GGMLType.bfloat16Bits(1 + 3.0 / 256) == 0x3F82)
        #expect(GGMLType.bf16.dequantize(GGMLType.bf16.quantize([.nan]), count: 1)[0].isNaN)
    }

    /// Codes that the reference quantisers must hit exactly: values on each format's grid come back
    /// unchanged (scales chosen as powers of two so half precision holds them exactly).
    @Test func quantisersReproduceGridValues() {
        let q8 = (0..<32).map { Float($0 - 16) * 0.25 }.map { $0 == -4 ? Float(-31.75) : $0 }   // amax 127 * 0.25
        #expect(GGMLType.q8_0.dequantize(GGMLType.q8_0.quantize(q8), count: 32) == q8)
        let q4 = (0..<32).map { Float($0 % 16 - 8) * 0.5 }                 // largest magnitude -4 -> d = 0.5
        #expect(GGMLType.q4_0.dequantize(GGMLType.q4_0.quantize(q4), count: 32) == q4)
        let q41 = (0..<32).map { Float($0 % 16) * 0.125 + 1 }              // min 1, max 1 + 15/8
        #expect(GGMLType.q4_1.dequantize(GGMLType.q4_1.quantize(q41), count: 32) == q41)
        let q5 = (0..<32).map { Float($0 - 16) * 0.5 }
        #expect(GGMLType.q5_0.dequantize(GGMLType.q5_0.quantize(q5), count: 32) == q5)
        let q51 = (0..<32).map { Float($0) * 0.25 - 2 }
        #expect(GGMLType.q5_1.dequantize(GGMLType.q5_1.quantize(q51), count: 32) == q51)
        let zeros = [Float](repeating: 0, count: 256)
        for type in GGMLType.allCases {
            let n = type.blockSize == 1 ? 32 : type.blockSize
            #expect(type.dequantize(type.quantize(Array(zeros.prefix(n))), count: n) == Array(zeros.prefix(n)), "\(type)")
        }
    }
}

@Suite struct QuantNonFiniteTests {
    /// NaN or infinite inputs (a diverged activation) must not trap in any quantiser.
    @Test(arguments: GGMLType.allCases)
    func nonFiniteInputsDoNotTrap(_ type: GGMLType) {
        var values = (0..<256).map { Float($0) / 256 }
        values[3] = .nan
        values[40] = .infinity
        values[200] = -.infinity
        #expect(type.quantize(values).count == type.byteCount(elements: 256))
    }
}
