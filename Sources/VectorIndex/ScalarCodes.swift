// Eight-bit codes of the index vectors, for walking the HNSW graph at query time and for the
// exact search's first pass (ExactSearch+Codes.swift). The beam
// search is bound by memory traffic: at ef 64 a query scores a few thousand rows scattered
// over the matrix, 1,536 bytes each at 384 dimensions, and the core waits on DRAM, not on
// arithmetic (measured: the FMA loads and prefetches take most of the search's cycles). One
// byte per value reads a quarter of that. The walk then ranks rows by approximate scores and
// the beam's survivors are re-scored with the float32 vectors (HNSWGraph+Search.swift), so
// the scores a query returns are exact and only the route through the graph is approximate.
//
// The quantiser is FAISS's uniform per-dimension 8-bit one (ScalarQuantizer QT_8bit): value
// x of dimension d is stored as round((x − low[d]) / step[d]) in 0...255, with low and step
// taken from the smallest and largest value of that dimension over all rows. Then
// q·x ≈ Σ q[d]·low[d] + Σ (q[d]·step[d])·code[d]: a per-query constant plus a dot product of
// a rescaled query with the codes.

import CQuantKernels
import Synchronization

public final class ScalarCodes: @unchecked Sendable {
    public let dim: Int
    public let rows: Int
    /// (rows, dim) row-major.
    public let codes: UnsafePointer<UInt8>
    public let low: [Float]
    public let step: [Float]
    /// Made on first use: only exact search needs it, and it costs a pass over every code.
    private let deviation = Mutex<Int?>(nil)
    /// Keeps borrowed codes alive (the index file's mapping), or nil when `codes` is owned.
    private let lender: AnyObject?

    /// Codes for the first `matrix.rows` rows.
    public init(quantizing matrix: VectorMatrix) {
        let dim = matrix.dim, rows = matrix.rows
        self.dim = dim
        self.rows = rows
        var low = [Float](repeating: 0, count: dim), high = [Float](repeating: 0, count: dim)
        if rows > 0 {
            low.withUnsafeMutableBufferPointer { low in
                high.withUnsafeMutableBufferPointer { high in
                    low.baseAddress!.update(from: matrix.row(0), count: dim)
                    high.baseAddress!.update(from: matrix.row(0), count: dim)
                    for r in 1..<rows {
                        let row = matrix.row(r)
                        for d in 0..<dim {
                            low[d] = min(low[d], row[d])
                            high[d] = max(high[d], row[d])
                        }
                    }
                }
            }
        }
        // A constant dimension gets step 1 and code 0 everywhere.
        let step = (0..<dim).map { d in high[d] > low[d] ? (high[d] - low[d]) / 255 : 1 }
        let inverse = step.map { 1 / $0 }
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: max(rows * dim, 1))
        low.withUnsafeBufferPointer { low in
            inverse.withUnsafeBufferPointer { inverse in
                for r in 0..<rows {
                    let row = matrix.row(r), codeRow = out + r * dim
                    for d in 0..<dim {
                        let level = ((row[d] - low[d]) * inverse[d]).rounded()
                        codeRow[d] = UInt8(min(max(level, 0), 255))
                    }
                }
            }
        }
        codes = UnsafePointer(out)
        self.low = low
        self.step = step
        lender = nil
    }

    /// Codes read in place from memory that `lender` keeps alive (an opened index file).
    public init(borrowing codes: UnsafePointer<UInt8>, rows: Int, dim: Int, low: [Float], step: [Float], lender: AnyObject) {
        precondition(low.count == dim && step.count == dim, "one low and one step per dimension")
        self.dim = dim
        self.rows = rows
        self.codes = codes
        self.low = low
        self.step = step
        self.lender = lender
    }

    /// The largest Σ_d |code − 128| of any row: the exact search's error bound needs it
    /// (ExactSearch+Codes.swift). 128 · dim, the most it can be, where the kernel that
    /// measures it cannot run.
    public var largestDeviation: Int {
        deviation.withLock { known in
            if let known { return known }
            let measured = dim % 32 == 0 && ExactSearch.kernelsAvailable
                ? lorag_code_largest_deviation(codes, rows, dim) : 128 * dim
            known = measured
            return measured
        }
    }

    deinit { if lender == nil { UnsafeMutablePointer(mutating: codes).deallocate() } }

    /// What is wrong with `low` and `step` as a quantiser of `dim` dimensions, or nil.
    public static func problem(low: [Float], step: [Float], dim: Int) -> String? {
        guard low.count == dim, step.count == dim else { return "expected \(dim) lows and steps" }
        for d in 0..<dim where !low[d].isFinite || !step[d].isFinite || step[d] <= 0 {
            return "dimension \(d) has low \(low[d]) and step \(step[d]); expected finite values and a positive step"
        }
        return nil
    }

    /// Writes the query rescaled by the steps into `scaled` (dim floats) and returns the
    /// constant part of every approximate score.
    func prepare(_ query: UnsafePointer<Float>, into scaled: UnsafeMutablePointer<Float>) -> Float {
        var bias: Float = 0
        for d in 0..<dim {
            scaled[d] = query[d] * step[d]
            bias += query[d] * low[d]
        }
        return bias
    }
}
