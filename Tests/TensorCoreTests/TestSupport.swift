// Deterministic random data and comparisons shared by the TensorCore tests.

import TensorCore

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomValues(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = -2...2) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Float.random(in: range, using: &rng) }
}

func randomTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -2...2) -> Tensor {
    Tensor(shape: shape, values: randomValues(shape.reduce(1, *), seed: seed, in: range))
}

/// The largest |a − b| over two equally long sequences.
func maxAbsDifference<A: Sequence, B: Sequence>(_ a: A, _ b: B) -> Double
where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
}

/// Distance in units in the last place of the Float32 nearest to `exact`.
func ulps(_ value: Float, from exact: Double) -> Double {
    let reference = Float(exact)
    let unit = Double(reference == 0 ? Float.leastNonzeroMagnitude : reference.ulp)
    return abs(Double(value) - exact) / unit
}
