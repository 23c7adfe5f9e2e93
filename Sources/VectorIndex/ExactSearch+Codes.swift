import CQuantKernels
import LoragBasics

// Exact search in two passes: integer scores over the index's 8-bit codes for every row, then
// float32 only for the rows whose integer score leaves them a chance. The answer is the same
// top-k a float32 pass over every row gives; only the work differs. The integer kernel does 32
// multiply-adds in two instructions on bytes where an FMA does 8 on floats, and a code row is
// a quarter of a float row (CodeDots.c).
//
// Why no row that belongs in the top k is dropped. Dimension d of a row is stored as code c
// with x = low + step·c + e, |e| ≤ step/2 (ScalarCodes: rounding to the nearest level of a
// range that covers every row). The query is rescaled, w = q·step, and rounded to int8 levels,
// w = s·ℓ + ρ with |ℓ| ≤ 63 (127 with AVX-512 VNNI) and |ρ| ≤ s/2. Writing c = 128 + c′,
//     q·x = Σ q·low + 128·Σ ρ + s·Σ ℓ·c + Σ ρ·c′ + Σ q·e.
// The first two terms are the same for every row. So with S = Σ ℓ·c, the integer score, the
// approximation â = (those two terms) + s·S is off by at most
//     E = max|ρ| · D + Σ|q|·step/2,    D = the largest Σ|c′| of any row,
// widened by the float rounding of the final scores. The k rows of highest S all score at
// least â_k − E, where â_k belongs to the k-th highest S; a row can only reach the top k if
// its own score is at least that, i.e. if â ≥ â_k − 2E, i.e. if
//     S ≥ S_k − 2E/s.
// The pass keeps exactly those rows (with the k-th score so far standing in for S_k, which
// only keeps more) and scores them in float32. Measured: about 1 row in 100 survives on the
// uniform sphere at 100,000 × 384, fewer on clustered sets and on SciFact's embeddings.
// (int16 query levels make E smaller still, but their kernel needs the codes widened to int16
// first and ran at two-thirds of this one's rate.)
//
// The codes must be the quantised rows (an index file's are written from them and remade
// after every change). A query whose bound keeps too many rows (a zero query, or rows all
// alike) is answered by the float32 pass instead.

extension ExactSearch {
    /// Queries and rows per call of the integer kernel: a tile of codes (512 rows × dim bytes)
    /// and 64 × 512 int32 scores (128 KB) that stay in L2 while the scores are scanned.
    static let codeQueryTile = 64
    static let codeRowTile = 512

    /// Whether `codes` can carry the first pass over `matrix` here.
    static func canUseCodes(_ codes: ScalarCodes, for matrix: VectorMatrix) -> Bool {
        codes.rows == matrix.rows && codes.dim == matrix.dim && matrix.dim % 32 == 0
            && ExactSearch.kernelsAvailable
    }

    static let kernelsAvailable = lorag_quant_kernels_available() != 0

    /// `search` through the codes. A batch is cut into blocks of queries, each run over every
    /// row by whichever thread is free (the two cores of a shared machine seldom run at one
    /// speed, so equal shares finish apart); a block streams the codes once, 38 MB at 100,000
    /// × 384, against ~2.5 G multiply-adds, so memory is never the limit. A few queries split
    /// the rows into four parts per thread instead, taken the same way, and their lists are
    /// merged (each part keeps its own survivors, which only a few queries can afford).
    static func searchThroughCodes(_ matrix: VectorMatrix, codes: ScalarCodes, queries: UnsafePointer<Float>, queryCount: Int,
                                   k: Int, accept: UnsafePointer<UInt8>?, threads: Int,
                                   kernel: CodeKernel = .best) -> [[ScoredSlot]] {
        let levels = QueryLevels(queries, count: queryCount, codes: codes, kernel: kernel)
        let n = matrix.rows
        let blockSize = min(codeQueryTile, (queryCount + 8 * threads - 1) / (8 * threads) * 2)
        if threads == 1 || blockSize >= 16 {
            let size = threads == 1 ? codeQueryTile : blockSize
            let blocks = (queryCount + size - 1) / size
            var results = [[ScoredSlot]](repeating: [], count: queryCount)
            results.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let results = results, queries = queries, accept = accept
                Parallel.forEachItem(blocks, threads: threads) { block in
                    let subset = block * size..<min(queryCount, (block + 1) * size)
                    let tops = scanCodes(matrix, codes: codes, levels: levels, rows: 0..<n, subset: subset, queries: queries,
                                         k: k, accept: accept)
                    for (q, top) in zip(subset, tops) { results[q] = top.sorted() }
                }
            }
            return results
        }
        let tiles = (n + codeRowTile - 1) / codeRowTile
        let parts = max(1, min(4 * threads, tiles))
        var partial = [[TopK]](repeating: [], count: parts)
        partial.withUnsafeMutableBufferPointer { partial in
            nonisolated(unsafe) let partial = partial, queries = queries, accept = accept
            Parallel.forEachItem(parts, threads: threads) { part in
                let first = tiles * part / parts * codeRowTile, end = min(n, tiles * (part + 1) / parts * codeRowTile)
                partial[part] = scanCodes(matrix, codes: codes, levels: levels, rows: first..<end, subset: 0..<queryCount,
                                          queries: queries, k: k, accept: accept)
            }
        }
        return merge(partial, queryCount: queryCount, k: k)
    }

    /// The top `k` of `rows` for the queries in `subset`, one thread, through the codes.
    static func scanCodes(_ matrix: VectorMatrix, codes: ScalarCodes, levels: QueryLevels, rows: Range<Int>, subset: Range<Int>,
                          queries: UnsafePointer<Float>, k: Int, accept: UnsafePointer<UInt8>?) -> [TopK] {
        let dim = matrix.dim
        // The kernel takes queries in pairs; blocks start at even queries, and an odd count
        // ends with the padding query, whose scores are not read.
        let padded = subset.lowerBound..<min(levels.padded, subset.upperBound + subset.upperBound % 2)
        var pools = subset.map { q in CodeCandidates(k: k, margin: levels.margin[q], rows: rows.count) }
        let rowTile = min(codeRowTile, rows.count), queryTile = min(codeQueryTile, padded.count)
        let scores = UnsafeMutablePointer<Int32>.allocate(capacity: max(rowTile * queryTile, 1))
        defer { scores.deallocate() }
        levels.levels.withUnsafeBufferPointer { levelBuffer in
            var r0 = rows.lowerBound
            while r0 < rows.upperBound {
                let rn = min(rowTile, rows.upperBound - r0)
                var q0 = padded.lowerBound
                while q0 < padded.upperBound {
                    let qn = min(queryTile, padded.upperBound - q0)
                    levels.kernel.dots(codes.codes + r0 * dim, rows: rn, dim: dim, queries: levelBuffer.baseAddress! + q0 * dim,
                                       count: qn, into: scores)
                    for q in q0..<min(q0 + qn, subset.upperBound) where !pools[q - subset.lowerBound].overflowed {
                        pools[q - subset.lowerBound].scan(scores + (q - q0) * rn, count: rn, firstSlot: r0, accept: accept)
                    }
                    q0 += qn
                }
                r0 += rn
            }
        }
        return subset.map { q in
            var top = TopK(k: k)
            let query = queries + q * dim
            let survivors = pools[q - subset.lowerBound].survivors()
            if pools[q - subset.lowerBound].overflowed {
                for r in rows where accept == nil || accept![r] != 0 {
                    top.push(slot: Int32(r), score: InnerProduct.dot(query, matrix.row(r), dim))
                }
            } else {
                for slot in survivors {
                    top.push(slot: slot, score: InnerProduct.dot(query, matrix.row(Int(slot)), dim))
                }
            }
            return top
        }
    }
}

/// Queries rounded to int8 levels for the integer pass, with each one's margin in levels.
struct QueryLevels {
    let count: Int
    /// `count` rounded up to an even number (the kernel takes queries in pairs); the extra
    /// query is zeros.
    let padded: Int
    /// (padded, dim) row-major.
    var levels: [Int8]
    /// 2E/s rounded up, per query (see the file's comment); nil when the integer pass cannot
    /// rank this query (a zero or non-finite query) and it goes to the float32 pass.
    var margin: [Int32?]

    /// The kernel the levels are made for.
    let kernel: CodeKernel

    init(_ queries: UnsafePointer<Float>, count: Int, codes: ScalarCodes, kernel: CodeKernel) {
        let dim = codes.dim
        self.count = count
        self.kernel = kernel
        let largestLevel = kernel.largestLevel
        padded = (count + 1) / 2 * 2
        levels = [Int8](repeating: 0, count: padded * dim)
        margin = [Int32?](repeating: nil, count: count)
        // One float32 dot product of length dim is within dim·u·Σ|q·x| of the real one (u =
        // 2⁻²⁴); twice that, doubled for both sides of the comparison, covers the rescoring.
        let rounding = 4 * Double(dim) * 0x1p-24
        let largest = (0..<dim).map { d in Double(max(abs(codes.low[d]), abs(codes.low[d] + 255 * codes.step[d]))) }
        let deviation = Double(codes.largestDeviation)
        levels.withUnsafeMutableBufferPointer { levels in
            for q in 0..<count {
                let query = queries + q * dim
                var peak = 0.0
                for d in 0..<dim { peak = max(peak, abs(Double(query[d]) * Double(codes.step[d]))) }
                guard peak.isFinite, peak > 0 else { continue }
                let s = peak / largestLevel
                var residual = 0.0, codeError = 0.0, magnitude = 0.0
                for d in 0..<dim {
                    let w = Double(query[d]) * Double(codes.step[d])
                    let level = min(max((w / s).rounded(), -largestLevel), largestLevel)
                    levels[q * dim + d] = Int8(level)
                    residual = max(residual, abs(w - s * level))
                    // 0.501 rather than 0.5: the quantiser's own float rounding (ScalarCodes).
                    codeError += abs(Double(query[d])) * Double(codes.step[d]) * 0.501
                    magnitude += abs(Double(query[d])) * largest[d]
                }
                let bound = residual * deviation + codeError + rounding * magnitude
                let levelsOfMargin = (2 * bound / s).rounded(.up) + 1
                if levelsOfMargin < Double(Int32.max / 4) { margin[q] = Int32(levelsOfMargin) }
            }
        }
    }
}

/// The rows one query keeps during the integer pass: every row within `margin` levels of the
/// k-th best integer score so far. The k best scores are kept in a min-heap, so the cut rises
/// with every better row; the list of kept rows is filtered against it when it fills up.
struct CodeCandidates {
    let k: Int
    let margin: Int32
    private var slots: [Int32] = []
    private var scores: [Int32] = []
    /// The k best scores so far, worst at the root.
    private var best: [Int32] = []
    /// Rows scoring below this cannot enter.
    private var cut = Int32.min
    private var limit: Int
    /// More rows than this left after filtering: the codes cannot separate this query's rows,
    /// and the float32 pass answers it.
    private let most: Int
    private(set) var overflowed = false

    init(k: Int, margin: Int32?, rows: Int) {
        self.k = k
        self.margin = margin ?? 0
        limit = max(256, 4 * k)
        most = max(limit, rows / 8)
        overflowed = margin == nil
        best.reserveCapacity(k)
    }

    /// Takes the rows firstSlot ..< firstSlot + count whose scores reach the cut.
    mutating func scan(_ block: UnsafePointer<Int32>, count: Int, firstSlot: Int, accept: UnsafePointer<UInt8>?) {
        var i = lorag_first_at_least(block, 0, count, cut)
        while i < count {
            if accept == nil || accept![firstSlot + i] != 0 {
                take(slot: Int32(firstSlot + i), score: block[i])
                if overflowed { return }
            }
            i = lorag_first_at_least(block, i + 1, count, cut)
        }
    }

    private mutating func take(slot: Int32, score: Int32) {
        if best.count < k {
            best.append(score)
            siftUp(best.count - 1)
            if best.count == k { cut = Int32(clamping: Int64(best[0]) - Int64(margin)) }
        } else if score > best[0] {
            best[0] = score
            siftDown()
            cut = Int32(clamping: Int64(best[0]) - Int64(margin))
        }
        slots.append(slot)
        scores.append(score)
        if slots.count >= limit { filter() }
    }

    /// Drops the rows that fell below the cut; lets the list grow when most of it stays.
    private mutating func filter() {
        var kept = 0
        for i in 0..<scores.count where scores[i] >= cut {
            slots[kept] = slots[i]
            scores[kept] = scores[i]
            kept += 1
        }
        slots.removeLast(slots.count - kept)
        scores.removeLast(scores.count - kept)
        if kept * 2 > limit { limit *= 2 }
        if kept > most {
            overflowed = true
            slots = []
            scores = []
        }
    }

    /// The rows to score in float32 (all within the margin of the final k-th score).
    mutating func survivors() -> [Int32] {
        filter()
        return slots
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard best[child] < best[parent] else { break }
            best.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < best.count else { break }
            let right = left + 1
            let smaller = right < best.count && best[right] < best[left] ? right : left
            guard best[smaller] < best[parent] else { break }
            best.swapAt(smaller, parent)
            parent = smaller
        }
    }
}
