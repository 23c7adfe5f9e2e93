import COpenBLAS

// Brute-force inner-product search over every row of a VectorMatrix: the answer HNSW is
// measured against, and the `--exact` mode. A batch of queries is one sgemm per tile
// (queries × rows), so the matrix streams through the cache once per tile of queries rather
// than once per query; a single query is one sgemv.

public enum ExactSearch {
    /// Rows per tile: 4,096 rows of 384 floats (6 MB) times 128 queries keeps the score tile
    /// at 2 MB, inside L2 plus L3 on the target machine.
    static let rowTile = 4096
    static let queryTile = 128

    /// Top-`k` rows for each of `queryCount` queries stored row-major at `queries` (each `dim`
    /// floats). `accept`, when given, has one byte per row: 0 excludes the row (deleted or
    /// filtered out). Results are best first.
    public static func search(
        _ matrix: VectorMatrix, queries: UnsafePointer<Float>, queryCount: Int, k: Int,
        accept: UnsafePointer<UInt8>? = nil
    ) -> [[ScoredSlot]] {
        let n = matrix.rows, dim = matrix.dim
        guard queryCount > 0 else { return [] }
        guard n > 0, k > 0 else { return Array(repeating: [], count: queryCount) }
        var tops = (0..<queryCount).map { _ in TopK(k: k) }
        if queryCount == 1 {
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: n)
            defer { scores.deallocate() }
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dim), 1, matrix.base, Int32(dim),
                        queries, 1, 0, scores, 1)
            select(scores, count: n, firstSlot: 0, accept: accept, into: &tops[0])
            return [tops[0].sorted()]
        }
        let rowTile = min(rowTile, n), queryTile = min(queryTile, queryCount)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: rowTile * queryTile)  // (queryTile, rowTile)
        defer { scores.deallocate() }
        var q0 = 0
        while q0 < queryCount {
            let qn = min(queryTile, queryCount - q0)
            var r0 = 0
            while r0 < n {
                let rn = min(rowTile, n - r0)
                // scores (qn, rn) = Q (qn, dim) · Xᵀ, X (rn, dim) read with the transpose flag.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(qn), Int32(rn), Int32(dim), 1,
                            queries + q0 * dim, Int32(dim), matrix.row(r0), Int32(dim), 0, scores, Int32(rn))
                for q in 0..<qn {
                    select(scores + q * rn, count: rn, firstSlot: r0, accept: accept, into: &tops[q0 + q])
                }
                r0 += rn
            }
            q0 += qn
        }
        return tops.map { $0.sorted() }
    }

    @inline(__always)
    static func select(_ scores: UnsafePointer<Float>, count: Int, firstSlot: Int,
                       accept: UnsafePointer<UInt8>?, into top: inout TopK) {
        var threshold = top.threshold
        if let accept {
            for i in 0..<count where scores[i] >= threshold && accept[firstSlot + i] != 0 {
                top.push(slot: Int32(firstSlot + i), score: scores[i])
                threshold = top.threshold
            }
        } else {
            for i in 0..<count where scores[i] >= threshold {
                top.push(slot: Int32(firstSlot + i), score: scores[i])
                threshold = top.threshold
            }
        }
    }
}
