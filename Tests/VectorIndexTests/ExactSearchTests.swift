import Testing
@testable import VectorIndex

// The BLAS path against a plain loop over InnerProduct.dot, for a batch (sgemm, several
// tiles) and a single query (sgemv).

func naiveTop(_ base: VectorMatrix, _ query: UnsafePointer<Float>, k: Int) -> [ScoredSlot] {
    var all: [ScoredSlot] = []
    for i in 0..<base.rows {
        var s: Float = 0
        for j in 0..<base.dim { s += base.row(i)[j] * query[j] }
        all.append(ScoredSlot(slot: Int32(i), score: s))
    }
    return Array(all.sorted(by: ScoredSlot.better).prefix(k))
}

@Test(arguments: [1, 2, 3])
func batchedExactSearchMatchesNaiveLoop(threads: Int) {
    let mixture = ClusteredVectors(dim: 40, clusters: 5, seed: 1)
    let base = mixture.sample(count: 9000, stream: 1)   // nine row tiles, split between threads
    // Rows 8,999 and 10 repeat rows 0 and 3: equal scores in different threads' shares must
    // still rank by slot.
    base.row(8999).update(from: base.row(0), count: 40)
    base.row(10).update(from: base.row(3), count: 40)
    let queries = mixture.sample(count: 1100, stream: 2) // two query tiles
    queries.row(5).update(from: base.row(0), count: 40)
    let found = ExactSearch.search(base, queries: queries.base, queryCount: queries.rows, k: 7, threads: threads)
    #expect(found.count == 1100)
    for q in stride(from: 0, to: queries.rows, by: 7) + [5, 1099] {
        let truth = naiveTop(base, queries.row(q), k: 7)
        #expect(found[q].map(\.slot) == truth.map(\.slot), "query \(q)")
        for (a, b) in zip(found[q], truth) { #expect(abs(a.score - b.score) < 1e-5) }
    }
    #expect(Array(found[5].prefix(2).map(\.slot)) == [0, 8999])
    let single = ExactSearch.search(base, queries: queries.row(3), queryCount: 1, k: 7)
    #expect(single[0].map(\.slot) == found[3].map(\.slot))
}

@Test func exactSearchHonoursAcceptMaskAndSmallCorpora() {
    let base = ClusteredVectors(dim: 8, clusters: 2, seed: 2).sample(count: 5, stream: 1)
    let accept: [UInt8] = [1, 0, 1, 0, 0]
    let found = accept.withUnsafeBufferPointer {
        ExactSearch.search(base, queries: base.row(1), queryCount: 1, k: 10, accept: $0.baseAddress)
    }
    #expect(found[0].map(\.slot).sorted() == [0, 2])
}

@Test func dotKernelsAgreeWithScalarSum() {
    for n in [1, 7, 32, 33, 64, 100, 384] {
        let a = (0..<n).map { Float($0 % 13) * 0.25 - 1 }
        let b = (0..<n).map { Float($0 % 7) * 0.5 - 1.5 }
        let scalar = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let kernel = InnerProduct.kernel(dim: n)
        let fast = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            kernel(pa.baseAddress!, pb.baseAddress!, n) } }
        #expect(abs(fast - scalar) <= 1e-4 * max(1, abs(scalar)), "n=\(n)")
    }
}

@Test func topKKeepsBestAndBreaksTiesBySlot() {
    var top = TopK(k: 3)
    for (slot, score) in [(5, 0.5), (1, 0.9), (2, 0.5), (9, 0.1), (4, 0.9), (3, 0.5)] {
        top.push(slot: Int32(slot), score: Float(score))
    }
    #expect(top.sorted().map(\.slot) == [1, 4, 2])
}
