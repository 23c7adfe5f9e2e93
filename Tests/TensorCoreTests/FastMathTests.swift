import Foundation
import Testing
import TensorCore

@Suite struct FastMathTests {
    /// Evenly spaced points plus the edges of each range, as Float32.
    static func sweep(_ lower: Float, _ upper: Float, points: Int) -> [Float] {
        (0...points).map { lower + (upper - lower) * Float($0) / Float(points) }
    }

    @Test func expIsWithinTwoUlpsOverTheFiniteRange() {
        // Documented bound: 2 ulp (degree-7 Taylor on |r| ≤ ln2/2 plus a few roundings; measured 1.2).
        var worst = 0.0
        for x in Self.sweep(-87.3, 88.3, points: 400_000) {
            worst = max(worst, ulps(FastMath.exp(x), from: Foundation.exp(Double(x))))
        }
        #expect(worst <= 2, "exp is \(worst) ulp from exact")
    }

    @Test func expEdges() {
        #expect(FastMath.exp(0) == 1)
        #expect(FastMath.exp(-100) == 0)
        #expect(FastMath.exp(-.infinity) == 0)
        #expect(FastMath.exp(1000).isFinite)
        #expect(FastMath.exp(1000) > 1e38)
    }

    @Test func erfIsWithinThreeUlpsEverywhere() {
        // Documented bound: 3 ulp (measured 2.6 ulp worst, just below |x| = 1).
        var worst = 0.0
        for x in Self.sweep(-5, 5, points: 400_000) + [0, 1, -1, 3.92, 1e-30, 20, -.infinity, .infinity] {
            worst = max(worst, ulps(FastMath.erf(x), from: Foundation.erf(Double(x))))
        }
        #expect(worst <= 3, "erf is \(worst) ulp from exact")
    }

    @Test func bulkExpMatchesScalar() {
        let x = randomTensor([257], seed: 30, in: -20...20)
        let out = Tensor(shape: [257])
        FastMath.exp(out.data, x.data, count: 257)
        #expect(out.toArray() == x.toArray().map(FastMath.exp))
    }
}
