import Foundation
import Testing
import TensorCore

/// The quantised dot products the decoder runs on, against dequantise-then-dot in Double.
@Suite struct LlamaKernelTests {
    @Test(arguments: GGMLType.allCases) func quantizedDotEqualsDequantizedDot(type: GGMLType) throws {
        let n = 512
        var rng = SystemRandomNumberGenerator()
        let w = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
        let x = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) + 0.5 }
        let bytes = type.quantize(w)
        let decoded = type.dequantize(bytes, count: n)
        var expected = 0.0, magnitude = 0.0
        for i in 0..<n {
            expected += Double(decoded[i]) * Double(x[i])
            magnitude += abs(Double(decoded[i]) * Double(x[i]))
        }
        var sums = [Float](repeating: 0, count: n / 32)
        var scratch = [Float](repeating: 0, count: 256)
        let got = x.withUnsafeBufferPointer { xp in
            bytes.withUnsafeBytes { raw in
                sums.withUnsafeMutableBufferPointer { sp in
                    scratch.withUnsafeMutableBufferPointer { scr in
                        QuantizedDot.blockSums(xp.baseAddress!, count: n, into: sp.baseAddress!)
                        return QuantizedDot.dot(type, row: raw.baseAddress!, xp.baseAddress!, sums: sp.baseAddress!,
                                                count: n, scratch: scr.baseAddress!)
                    }
                }
            }
        }
        #expect(abs(Double(got) - expected) <= 1e-5 * magnitude, "\(type): \(got) vs \(expected)")
    }
}
