import CQuantKernels
import Testing
@testable import VectorIndex

// The exact search's integer pass over the eight-bit codes (ExactSearch+Codes.swift) must
// return what a float32 pass over every row returns: the same rows in the same order, scores
// within float rounding. Each case presses on one part of the argument: ties across query
// blocks, row parts and threads; near-ties far closer than a code step, which only the float32
// rescoring can order; the uniform sphere, where many rows survive; queries and rows the codes
// cannot separate at all, which go to the float32 pass; rows excluded by a mask.

/// The best `k` accepted rows by a plain float loop, ties to the lower slot.
private func plainTop(_ base: VectorMatrix, _ query: UnsafePointer<Float>, k: Int, accept: [UInt8]?) -> [ScoredSlot] {
    var all: [ScoredSlot] = []
    for r in 0..<base.rows where accept?[r] ?? 1 != 0 {
        all.append(ScoredSlot(slot: Int32(r), score: InnerProduct.dot(query, base.row(r), base.dim)))
    }
    return Array(all.sorted(by: ScoredSlot.better).prefix(k))
}

/// Checks the integer pass with every kernel this CPU has (AVX2, and VNNI where present: their
/// query levels differ, so their bounds and survivors do) and through `search`.
private func expectExact(_ base: VectorMatrix, _ queries: VectorMatrix, k: Int, threads: Int, accept: [UInt8]? = nil,
                         _ label: String) {
    let codes = ScalarCodes(quantizing: base)
    #expect(ExactSearch.canUseCodes(codes, for: base), "\(label): the integer pass must be the one under test")
    let truths = (0..<queries.rows).map { plainTop(base, queries.row($0), k: k, accept: accept) }
    var runs = CodeKernel.available.map { kernel in
        (String(describing: kernel), withMask(accept) { mask in
            ExactSearch.searchThroughCodes(base, codes: codes, queries: queries.base, queryCount: queries.rows, k: k,
                                           accept: mask, threads: threads, kernel: kernel)
        })
    }
    runs.append(("search", withMask(accept) { mask in
        ExactSearch.search(base, queries: queries.base, queryCount: queries.rows, k: k, accept: mask, codes: codes,
                           threads: threads)
    }))
    for (kernel, found) in runs {
        #expect(found.count == queries.rows)
        for (q, truth) in truths.enumerated() {
            #expect(found[q].map(\.slot) == truth.map(\.slot), "\(label), \(kernel): query \(q)")
            for (a, b) in zip(found[q], truth) { #expect(abs(a.score - b.score) < 1e-5, "\(label), \(kernel): query \(q)") }
        }
    }
}

private func withMask<T>(_ mask: [UInt8]?, _ body: (UnsafePointer<UInt8>?) -> T) -> T {
    guard let mask else { return body(nil) }
    return mask.withUnsafeBufferPointer { body($0.baseAddress) }
}

@Test(arguments: [1, 2, 3])
func codesPassEqualsFloatPassOnClusteredRows(threads: Int) {
    let mixture = ClusteredVectors(dim: 64, clusters: 8, seed: 5)
    let base = mixture.sample(count: 9000, stream: 1)
    // Rows 8,999 and 4,500 repeat row 0: equal scores in different blocks and parts rank by slot.
    base.row(8999).update(from: base.row(0), count: 64)
    base.row(4500).update(from: base.row(0), count: 64)
    let queries = mixture.sample(count: 301, stream: 2)  // several query blocks, an odd count
    queries.row(7).update(from: base.row(0), count: 64)
    expectExact(base, queries, k: 10, threads: threads, "batch")
    // One and three queries: the rows are split between the threads instead.
    expectExact(base, mixture.sample(count: 1, stream: 3), k: 10, threads: threads, "one query")
    expectExact(base, mixture.sample(count: 3, stream: 4), k: 25, threads: threads, "three queries")
}

@Test func nearTiesCloserThanACodeStepAreOrderedByTheirFloatScores() {
    let mixture = ClusteredVectors(dim: 64, clusters: 4, seed: 8)
    let base = mixture.sample(count: 3000, stream: 1)
    // 200 rows within ±2e-4 per value of row 10, a tenth of a code step (≈ 3e-3 here): their
    // integer scores coincide or cross, and the top 20 are decided among them in float32.
    var generator = SeededRandom(seed: 99)
    for r in 1000..<1200 {
        for d in 0..<64 { base.row(r)[d] = base.row(10)[d] + 2e-4 * (Float(generator.unitInterval()) * 2 - 1) }
    }
    let queries = VectorMatrix(dim: 64, capacity: 4)
    for source in [10, 1000, 1100, 1199] {
        _ = queries.append(UnsafeBufferPointer(start: base.row(source), count: 64))
    }
    expectExact(base, queries, k: 20, threads: 2, "near ties")
}

@Test func uniformSphereKeepsManyRowsAndStaysExact() {
    let base = ClusteredVectors.uniform(count: 4000, dim: 64, seed: 21)
    let queries = ClusteredVectors.uniform(count: 40, dim: 64, seed: 22)
    expectExact(base, queries, k: 10, threads: 2, "uniform")
}

@Test func queriesAndRowsTheCodesCannotSeparateFallBackToFloat() {
    // Every row alike: all integer scores are equal, far more rows than the pass keeps survive,
    // and the float32 pass answers (lowest slots first). A zero query has no levels at all.
    let one = ClusteredVectors(dim: 32, clusters: 1, seed: 2).sample(count: 1, stream: 1)
    let base = VectorMatrix(dim: 32, capacity: 2000)
    for _ in 0..<2000 { _ = base.append(UnsafeBufferPointer(start: one.row(0), count: 32)) }
    let queries = ClusteredVectors(dim: 32, clusters: 3, seed: 4).sample(count: 3, stream: 2)
    for d in 0..<32 { queries.row(1)[d] = 0 }
    expectExact(base, queries, k: 5, threads: 2, "identical rows")
}

@Test func maskedRowsNeverReturnAndDoNotCrowdOutOthers() {
    let mixture = ClusteredVectors(dim: 64, clusters: 6, seed: 12)
    let base = mixture.sample(count: 5000, stream: 1)
    let accept = (0..<5000).map { UInt8($0 % 3 == 0 ? 0 : 1) }
    expectExact(base, mixture.sample(count: 70, stream: 2), k: 15, threads: 2, accept: accept, "mask")
    // More wanted than accepted: every accepted row comes back.
    let few = (0..<5000).map { UInt8($0 < 4990 ? 0 : 1) }
    expectExact(base, mixture.sample(count: 2, stream: 3), k: 40, threads: 1, accept: few, "mask, k > accepted")
}

@Test func codesServeOnlyTheMatrixTheyWereMadeFrom() {
    let base = ClusteredVectors(dim: 40, clusters: 2, seed: 1).sample(count: 100, stream: 1)
    // 40 is not a multiple of the kernel's 32 values: the float32 pass runs.
    #expect(!ExactSearch.canUseCodes(ScalarCodes(quantizing: base), for: base))
    let wider = ClusteredVectors(dim: 64, clusters: 2, seed: 1).sample(count: 100, stream: 1)
    let stale = ScalarCodes(quantizing: wider)
    _ = wider.appendRows(1)
    #expect(!ExactSearch.canUseCodes(stale, for: wider))
}

@Test func largestDeviationIsTheWidestRowOfCodes() {
    let base = ClusteredVectors(dim: 96, clusters: 3, seed: 6).sample(count: 700, stream: 1)
    // One row pushed to the ends of the range in every dimension.
    for d in 0..<96 { base.row(333)[d] = d % 2 == 0 ? 1 : -1 }
    let codes = ScalarCodes(quantizing: base)
    var widest = 0
    for r in 0..<base.rows {
        var total = 0
        for d in 0..<96 { total += abs(Int(codes.codes[r * 96 + d]) - 128) }
        widest = max(widest, total)
    }
    #expect(codes.largestDeviation == widest)
    #expect(widest >= 96 * 127)
}

@Test func codeKernelsEqualAPlainLoop() throws {
    try #require(ExactSearch.kernelsAvailable)
    // Extremes included: codes 0 and 255 against levels ±63, the most a pair of products may
    // reach inside vpmaddubsw without saturating; 7 rows leave a tail of 3 after the 4-row blocks.
    let rows = 7, dim = 96, queries = 4
    var generator = SeededRandom(seed: 17)
    var codes = (0..<rows * dim).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    var levels = (0..<queries * dim).map { _ in Int8(Int(generator.next() % 127) - 63) }
    for d in 0..<dim {
        codes[d] = 255
        codes[dim + d] = 0
        levels[d] = d % 2 == 0 ? 63 : -63
        levels[dim + d] = -63
    }
    var expected = [Int32](repeating: 0, count: queries * rows)
    for q in 0..<queries {
        for r in 0..<rows {
            var total = 0
            for d in 0..<dim { total += Int(levels[q * dim + d]) * Int(codes[r * dim + d]) }
            expected[q * rows + r] = Int32(total)
        }
    }
    var avx2 = [Int32](repeating: 0, count: queries * rows)
    lorag_code_dots_avx2(codes, rows, dim, levels, queries, &avx2)
    #expect(avx2 == expected)
    // VNNI's levels reach ±127.
    guard lorag_code_dots_vnni_available() != 0 else { return }
    var vnni = [Int32](repeating: 0, count: queries * rows)
    lorag_code_dots_vnni(codes, rows, dim, levels, queries, &vnni)
    #expect(vnni == expected)
    for d in 0..<dim { levels[d] = d % 2 == 0 ? 127 : -127 }
    let row0 = (0..<rows).map { r in Int32((0..<dim).reduce(0) { $0 + Int(levels[$1]) * Int(codes[r * dim + $1]) }) }
    lorag_code_dots_vnni(codes, rows, dim, levels, queries, &vnni)
    #expect(Array(vnni[0..<rows]) == row0)
}
