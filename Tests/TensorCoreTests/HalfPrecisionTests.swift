import Testing
import TensorCore

@Suite struct HalfPrecisionTests {
    // Conversions are exact or correctly rounded, so results must equal the oracle bit for bit.

    @Test func widenEveryHalfExactly() {
        let all = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: all.count)
        all.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                HalfPrecision.convert(halves: src.baseAddress!, to: dst.baseAddress!, count: all.count)
            }
        }
        for (h, f) in zip(all, out) {
            let expected = Float(Float16(bitPattern: h))
            if expected.isNaN {
                #expect(f.isNaN)
            } else {
                #expect(f.bitPattern == expected.bitPattern, "half 0x\(String(h, radix: 16))")
            }
        }
    }

    static let narrowingCases: [Float] = [
        0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e10, .infinity, -.infinity,
        0x1p-14, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 0x1.ffcp-15, 1e-30,
        1 + 0x1p-11, 1 + 0x3p-11, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
    ]

    @Test func narrowToHalfRoundsToNearestEven() {
        let inputs = Self.narrowingCases + randomValues(200_000, seed: 100, in: -70_000...70_000)
            + randomValues(200_000, seed: 101, in: -1e-3...1e-3) + randomValues(100_000, seed: 102, in: -1e-6...1e-6)
        var out = [UInt16](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                HalfPrecision.convert(src.baseAddress!, toHalves: dst.baseAddress!, count: inputs.count)
            }
        }
        for (f, h) in zip(inputs, out) {
            #expect(h == Float16(f).bitPattern, "float \(f)")
        }
        #expect(Float16(bitPattern: HalfPrecision.half(from: .nan)).isNaN)
    }

    @Test func bfloat16RoundTripsAndRoundsToNearestEven() {
        let inputs = Self.narrowingCases + randomValues(300_000, seed: 103, in: -1e6...1e6)
            + [1 + 0x1p-8, 1 + 0x3p-8, 1 + 0x1p-9]
        var narrow = [UInt16](repeating: 0, count: inputs.count)
        var wide = [Float](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { src in
            narrow.withUnsafeMutableBufferPointer { dst in
                HalfPrecision.convert(src.baseAddress!, toBFloat16s: dst.baseAddress!, count: inputs.count)
            }
        }
        narrow.withUnsafeBufferPointer { src in
            wide.withUnsafeMutableBufferPointer { dst in
                HalfPrecision.convert(bfloat16s: src.baseAddress!, to: dst.baseAddress!, count: inputs.count)
            }
        }
        for (i, f) in inputs.enumerated() where f.isFinite && abs(f) < 3.38e38 {
            #expect(narrow[i] == Naive.bfloat16(f), "float \(f)")
            #expect(wide[i].bitPattern == UInt32(narrow[i]) << 16)
        }
        #expect(HalfPrecision.float(fromBFloat16: HalfPrecision.bfloat16(from: .nan)).isNaN)
        #expect(HalfPrecision.bfloat16(from: .infinity) == 0x7F80)
    }
}
