// A small seeded generator (SplitMix64, Steele, Lea and Flood, "Fast splittable pseudorandom
// number generators", OOPSLA 2014) so that HNSW levels and test data are the same on every
// machine and every run; Swift's SystemRandomNumberGenerator cannot be seeded.

public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: never 0, so its logarithm is finite.
    public mutating func unitInterval() -> Double {
        Double((next() >> 11) + 1) * 0x1p-53
    }

    /// Standard normal deviate (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func gaussian() -> Float {
        let u1 = unitInterval(), u2 = unitInterval()
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}
