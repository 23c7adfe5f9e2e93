import LoragBasics
import Testing
@testable import VectorIndex

// Searching a knowledge base in each mode, with filters, k per query and a score floor.

func searchFixture() throws -> (KnowledgeBase, VectorMatrix) {
    let mixture = ClusteredVectors(dim: 32, clusters: 8, seed: 6)
    let base = mixture.sample(count: 2000, stream: 1)
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(base, range: 0..<2000))
    return (kb, base)
}

@Test func denseSearchFindsTheQueryItselfInBothModes() throws {
    let (kb, base) = try searchFixture()
    let queries = Array(UnsafeBufferPointer(start: base.row(42), count: 3 * 32))  // rows 42, 43, 44
    var options = SearchOptions()
    options.k = 3
    for exact in [true, false] {
        options.exact = exact
        let hits = try kb.search(queryVectors: queries, texts: ["", "", ""], ks: [3, 1, 5], options: options)
        #expect(hits.map(\.count) == [3, 1, 5])
        #expect(hits.map { $0[0].slot } == [42, 43, 44])
        #expect(abs(hits[0][0].score - 1) < 1e-5)
    }
}

@Test func filterAppliesDuringSearchSoKHitsComeBack() throws {
    let (kb, base) = try searchFixture()
    var options = SearchOptions()
    options.k = 20
    options.filter = try MetadataFilter(parsing: ["meta.lang=fr"])
    let query = Array(UnsafeBufferPointer(start: base.row(10), count: 32))  // an "en" record
    for mode in SearchMode.allCases {
        options.mode = mode
        for exact in [true, false] {
            options.exact = exact
            let hits = try kb.search(queryVectors: query, texts: ["alpha"], options: options)[0]
            #expect(hits.count == 20, "\(mode) exact \(exact)")
            #expect(hits.allSatisfy { kb.record(at: $0.slot)["meta"]?["lang"] == "fr" })
        }
    }
    // A filter matching only three records returns those three.
    options.mode = .dense
    options.exact = false
    options.filter = try MetadataFilter(parsing: ["text=alpha alpha v1 number0"])
    #expect(try kb.search(queryVectors: query, texts: [""], options: options)[0].map(\.slot) == [0])
    #expect(throws: VectorIndexError.badFilter("lang")) { try MetadataFilter(parsing: ["lang"]) }
}

@Test func bm25AndHybridRankTheMatchingRecord() throws {
    let (kb, base) = try searchFixture()
    var options = SearchOptions()
    options.mode = .bm25
    options.k = 5
    let bm25 = try kb.search(queryVectors: nil, texts: ["number1234", "nothing matches this"], options: options)
    #expect(bm25[0].first?.slot == 1234)
    #expect(bm25[1].isEmpty)
    // Hybrid: the record that is first in both lists is first, with score 2/61.
    options.mode = .hybrid
    let query = Array(UnsafeBufferPointer(start: base.row(1234), count: 32))
    let hybrid = try kb.search(queryVectors: query, texts: ["number1234"], options: options)[0]
    #expect(hybrid.first?.slot == 1234)
    #expect(abs(hybrid[0].score - 2 / 61) < 1e-6)
    options.minScore = 1.5 / 61
    #expect(try kb.search(queryVectors: query, texts: ["number1234"], options: options)[0].map(\.slot) == [1234])
    // Weights: with the BM25 list off, the order is the dense order.
    options.minScore = nil
    options.bm25Weight = 0
    options.mode = .hybrid
    let denseOnly = try kb.search(queryVectors: query, texts: ["alpha"], options: options)[0].map(\.slot)
    options.mode = .dense
    options.exact = true
    #expect(denseOnly == (try kb.search(queryVectors: query, texts: [""], options: options)[0].map(\.slot)))
}

@Test func queriesOfTheWrongDimensionAreRejected() throws {
    let (kb, _) = try searchFixture()
    #expect(throws: VectorIndexError.dimensionMismatch(item: "query", expected: 32, found: 16)) {
        try kb.search(queryVectors: [Float](repeating: 0.25, count: 16), texts: ["x"], options: SearchOptions())
    }
}
