import COpenBLAS
import Dispatch

// Brute-force inner-product search over every row of a VectorMatrix: the answer HNSW is
// measured against, and the `--exact` mode. With the index's eight-bit codes (the usual case)
// a first integer pass over them picks the rows that can still win and float32 scores only
// those (ExactSearch+Codes.swift). Without them, a batch of queries is one sgemm per tile
// (queries × rows), so the matrix streams through the cache once per tile of queries rather
// than once per query, and a single query is one sgemv.
//
// A batch on several threads splits the rows, not the work inside each product: every thread
// runs single-threaded sgemm over its own share of the rows and keeps its own top-k per query,
// and the per-thread lists are merged at the end. The top-k scans then run in parallel too,
// and OpenBLAS's own pool is never woken (its idle workers would otherwise spin between our
// products, taking the core our scan needs).

public enum ExactSearch {
    /// Queries and rows per tile: all of a typical batch's queries at once, so each row tile is
    /// packed by sgemm once per batch (FAISS's IndexFlatIP blocks 4,096 queries by 1,024 rows),
    /// and a score tile of 1,024 × 1,024 floats (4 MB) that stays in cache for the scan.
    static let rowTile = 1024
    static let queryTile = 1024

    /// Top-`k` rows for each of `queryCount` queries stored row-major at `queries` (each `dim`
    /// floats), using up to `threads` threads for a batch. `accept`, when given, has one byte
    /// per row: 0 excludes the row (deleted or filtered out). Results are best first.
    public static func search(
        _ matrix: VectorMatrix, queries: UnsafePointer<Float>, queryCount: Int, k: Int,
        accept: UnsafePointer<UInt8>? = nil, codes: ScalarCodes? = nil, threads: Int = 1
    ) -> [[ScoredSlot]] {
        let n = matrix.rows, dim = matrix.dim
        guard queryCount > 0 else { return [] }
        guard n > 0, k > 0 else { return Array(repeating: [], count: queryCount) }
        if let codes, canUseCodes(codes, for: matrix) {
            return searchThroughCodes(matrix, codes: codes, queries: queries, queryCount: queryCount, k: k, accept: accept,
                                      threads: threads)
        }
        if queryCount == 1 {
            var top = TopK(k: k)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: n)
            defer { scores.deallocate() }
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(dim), 1, matrix.base, Int32(dim),
                        queries, 1, 0, scores, 1)
            select(scores, count: n, firstSlot: 0, accept: accept, into: &top)
            return [top.sorted()]
        }
        // Whole row tiles per thread, so no thread gets a sliver.
        let tiles = (n + rowTile - 1) / rowTile
        let parts = max(1, min(threads, tiles))
        var partial = [[TopK]](repeating: [], count: parts)
        let saved = openblas_get_num_threads()
        if parts > 1 { openblas_set_num_threads(1) }
        defer { if parts > 1 { openblas_set_num_threads(saved) } }
        partial.withUnsafeMutableBufferPointer { partial in
            nonisolated(unsafe) let partial = partial, queries = queries, accept = accept
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let first = tiles * part / parts * rowTile, end = min(n, tiles * (part + 1) / parts * rowTile)
                partial[part] = scan(matrix, rows: first..<end, queries: queries, queryCount: queryCount, k: k, accept: accept)
            }
        }
        return merge(partial, queryCount: queryCount, k: k)
    }

    /// Each query's best `k` over the parts' lists.
    static func merge(_ partial: [[TopK]], queryCount: Int, k: Int) -> [[ScoredSlot]] {
        (0..<queryCount).map { q in
            guard partial.count > 1 else { return partial[0][q].sorted() }
            var merged = TopK(k: k)
            for part in partial {
                for hit in part[q].sorted() { merged.push(slot: hit.slot, score: hit.score) }
            }
            return merged.sorted()
        }
    }

    /// The top `k` of `rows` for every query, one thread.
    private static func scan(_ matrix: VectorMatrix, rows: Range<Int>, queries: UnsafePointer<Float>, queryCount: Int,
                             k: Int, accept: UnsafePointer<UInt8>?) -> [TopK] {
        let dim = matrix.dim
        var tops = (0..<queryCount).map { _ in TopK(k: k) }
        let rowTile = min(rowTile, rows.count), queryTile = min(queryTile, queryCount)
        guard rowTile > 0 else { return tops }
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: rowTile * queryTile)  // (queryTile, rowTile)
        defer { scores.deallocate() }
        var q0 = 0
        while q0 < queryCount {
            let qn = min(queryTile, queryCount - q0)
            var r0 = rows.lowerBound
            while r0 < rows.upperBound {
                let rn = min(rowTile, rows.upperBound - r0)
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
        return tops
    }

    /// Pushes the scores that can enter `top`. Once the heap is full almost every score is
    /// below its threshold, so 32 at a time are checked together and only a block holding a
    /// candidate is looked at one by one. The check subtracts the threshold and looks for a
    /// non-negative difference through the float's sign bit with integer maxima (Swift's
    /// float vector comparisons compile to lane-by-lane code; integer max is one instruction).
    @inline(__always)
    static func select(_ scores: UnsafePointer<Float>, count: Int, firstSlot: Int,
                       accept: UnsafePointer<UInt8>?, into top: inout TopK) {
        var threshold = top.threshold
        let raw = UnsafeRawPointer(scores)
        @inline(__always) func signs(_ offset: Int, _ t: SIMD8<Float>) -> SIMD8<Int32> {
            unsafeBitCast(raw.loadUnaligned(fromByteOffset: 4 * offset, as: SIMD8<Float>.self) - t, to: SIMD8<Int32>.self)
        }
        var i = 0
        while i < count {
            let block = min(32, count - i)
            if block == 32 {
                let t = SIMD8(repeating: threshold)
                let highest = pointwiseMax(pointwiseMax(signs(i, t), signs(i + 8, t)), pointwiseMax(signs(i + 16, t), signs(i + 24, t)))
                if highest.max() < 0 {
                    i += 32
                    continue
                }
            }
            for j in i..<(i + block) where scores[j] >= threshold && (accept == nil || accept![firstSlot + j] != 0) {
                top.push(slot: Int32(firstSlot + j), score: scores[j])
                threshold = top.threshold
            }
            i += block
        }
    }
}
