// The int16-activation kernels (CQuantKernels through QuantizedActivations) against oracles in
// Double: the quantisation bound per value, and each row's product equal to the dequantised row
// dotted with the quantised activation (the kernel's definition) and close to the exact product.

import Testing
@testable import TensorCore

@Suite(.enabled(if: QuantizedActivations.isSupported, "the integer kernels need AVX2, FMA and F16C"))
struct QuantizedActivationsTests {
    /// Values with an outlier (like the residual stream's large channels), a zero block, and a
    /// block count that is odd (the kernels pair blocks and finish a lone one).
    static func activation(blocks: Int) -> [Float] {
        var rng = SplitMix(seed: 7)
        var x = (0..<(32 * blocks)).map { _ in Float(rng.unit() * 4 - 2) }
        x[5] = 61.5
        for j in 32..<64 { x[j] = 0 }
        return x
    }

    @Test func quantizationBound() {
        let x = Self.activation(blocks: 9)
        let a = QuantizedActivations(capacity: 320)
        x.withUnsafeBufferPointer { a.quantize($0.baseAddress!, count: x.count) }
        #expect(a.count == 288)
        for b in 0..<9 {
            let (scale, sum, codes) = a.block(b)
            let block = x[(32 * b)..<(32 * b + 32)]
            let exactSum = block.reduce(0.0) { $0 + Double($1) }
            #expect(abs(Double(sum) - exactSum) <= 1e-5 * block.reduce(0.0) { $0 + abs(Double($1)) }, "block \(b): sum \(sum)")
            let largest = block.map { abs($0) }.max()!
            #expect(scale == largest / 32767, "block \(b): scale \(scale)")
            for (j, value) in block.enumerated() {
                let error = abs(Double(value) - Double(scale) * Double(codes[j]))
                #expect(error <= 0.5001 * Double(scale), "block \(b) value \(j): \(value) vs code \(codes[j])")
            }
            if largest == 0 { #expect(codes.allSatisfy { $0 == 0 }) }
        }
        #expect(a.block(0).codes[5] == 32767)
    }

    @Test(arguments: [GGMLType.q4_1, .q8_0]) func rowsEqualOracle(type: GGMLType) throws {
        let blocks = 9, n = 32 * blocks, rows = 10
        let x = Self.activation(blocks: blocks)
        var rng = SplitMix(seed: 11)
        let weights = (0..<(rows * n)).map { _ in Float(rng.unit() * 2 - 0.7) }
        let bytes = type.quantize(weights)
        let decoded = type.dequantize(bytes, count: rows * n)
        let stride = try #require(type.byteCount(elements: n))
        let a = QuantizedActivations(capacity: n)
        x.withUnsafeBufferPointer { a.quantize($0.baseAddress!, count: n) }

        var y = [Float](repeating: -1, count: rows)
        bytes.withUnsafeBytes { raw in
            y.withUnsafeMutableBufferPointer { a.dotRows(type, base: raw.baseAddress!, rowStride: stride, rows: 3..<8, into: $0.baseAddress!) }
        }
        for r in 0..<rows where !(3..<8).contains(r) { #expect(y[r] == -1, "row \(r) outside the range was written") }
        for r in 3..<8 {
            var oracle = 0.0, exact = 0.0, magnitude = 0.0
            for b in 0..<blocks {
                let (scale, _, codes) = a.block(b)
                // Q4_1 keeps m·Σx exact: only d·q·x sees the activation's rounding.
                let m = type == .q4_1 ? Double(Float(Float16(bitPattern: UInt16(bytes[r * stride + 20 * b + 2])
                    | UInt16(bytes[r * stride + 20 * b + 3]) << 8))) : 0
                for j in 0..<32 {
                    let i = 32 * b + j, w = Double(decoded[r * n + i])
                    oracle += (w - m) * Double(scale) * Double(codes[j]) + m * Double(x[i])
                    exact += w * Double(x[i])
                    magnitude += abs(w * Double(x[i]))
                }
            }
            #expect(abs(Double(y[r]) - oracle) <= 1e-6 * magnitude, "\(type) row \(r): \(y[r]) vs oracle \(oracle)")
            #expect(abs(Double(y[r]) - exact) <= 1e-4 * magnitude, "\(type) row \(r): \(y[r]) vs exact \(exact)")
        }
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
