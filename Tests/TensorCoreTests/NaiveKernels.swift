// Naive scalar twins of the TensorCore kernels: the oracles the fast kernels are tested against.
// Written for clarity, not speed: plain loops, Double arithmetic, formulas as in the papers.

import Foundation

enum Naive {
    /// C = alpha·op(A)·op(B) + beta·C on row-major arrays; A is aRows × aCols as stored.
    static func gemm(
        c: inout [Float], a: [Float], aRows: Int, aCols: Int, b: [Float], bRows: Int, bCols: Int,
        transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float
    ) {
        let m = transposeA ? aCols : aRows, k = transposeA ? aRows : aCols
        let n = transposeB ? bRows : bCols
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * aCols + i] : a[i * aCols + p]
                    let bv = transposeB ? b[j * bCols + p] : b[p * bCols + j]
                    s += Double(av) * Double(bv)
                }
                c[i * n + j] = Float(Double(alpha) * s + Double(beta) * Double(c[i * n + j]))
            }
        }
    }

    static func softmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        let e = x.map { Foundation.exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func layerNorm(_ x: [Double], weight: [Double], bias: [Double], eps: Double) -> [Double] {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
        return x.indices.map { (x[$0] - mean) / (variance + eps).squareRoot() * weight[$0] + bias[$0] }
    }

    static func rmsNorm(_ x: [Double], weight: [Double], eps: Double) -> [Double] {
        let meanSquare = x.map { $0 * $0 }.reduce(0, +) / Double(x.count)
        return x.indices.map { x[$0] / (meanSquare + eps).squareRoot() * weight[$0] }
    }

    static func gelu(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())) }
    static func silu(_ x: Double) -> Double { x / (1 + Foundation.exp(-x)) }

    /// RoPE on one head, angles from first principles: pair i turns by p·θ^(−2i/rotary).
    static func rope(_ x: [Double], position: Int, theta: Double, rotaryDim: Int, adjacent: Bool) -> [Double] {
        var y = x
        for i in 0..<(rotaryDim / 2) {
            let angle = Double(position) * Foundation.pow(theta, -Double(2 * i) / Double(rotaryDim))
            let ia = adjacent ? 2 * i : i
            let ib = adjacent ? 2 * i + 1 : i + rotaryDim / 2
            y[ia] = x[ia] * Foundation.cos(angle) - x[ib] * Foundation.sin(angle)
            y[ib] = x[ia] * Foundation.sin(angle) + x[ib] * Foundation.cos(angle)
        }
        return y
    }

    /// bfloat16 by choosing the nearer of the two neighbouring bfloat16 values, ties to even.
    static func bfloat16(_ f: Float) -> UInt16 {
        let low = UInt16(f.bitPattern >> 16)
        let high = low &+ 1
        let dLow = abs(Double(f) - Double(Float(bitPattern: UInt32(low) << 16)))
        let dHigh = abs(Double(f) - Double(Float(bitPattern: UInt32(high) << 16)))
        if dLow < dHigh { return low }
        if dHigh < dLow { return high }
        return low & 1 == 0 ? low : high
    }
}
