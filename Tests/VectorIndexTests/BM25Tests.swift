import Testing
import Foundation
@testable import VectorIndex

@Test func porterStemmerMatchesPublishedExamples() {
    // Examples from Porter (1980) run through the whole algorithm, and entries of Porter's
    // published vocabulary/output sample.
    let pairs = [
        ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("cats", "cat"), ("feed", "feed"),
        ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"), ("motoring", "motor"),
        ("sing", "sing"), ("hopping", "hop"), ("falling", "fall"), ("hissing", "hiss"), ("fizzed", "fizz"),
        ("filing", "file"), ("happy", "happi"), ("sky", "sky"), ("relational", "relat"),
        ("generalizations", "gener"), ("oscillators", "oscil"), ("consistency", "consist"),
        ("consolatory", "consolatori"), ("conspicuously", "conspicu"), ("constable", "constabl"),
        ("knightly", "knightli"), ("knackeries", "knackeri"), ("adoption", "adopt"), ("controll", "control"),
        ("roll", "roll"), ("is", "is"), ("a", "a"), ("ünïcode", "ünïcode"), ("3.5", "3.5"),
    ]
    for (word, stem) in pairs { #expect(PorterStemmer.stem(word) == stem, "\(word)") }
}

@Test func analyzerSplitsLowercasesAndKeepsJoinedTokens() {
    let plain = TextAnalyzer(stemming: false, stopWords: false)
    let text = "Don't split; the CAT's toys cost 3.5 dollars, 1,000 units. ÜNÏCODE École 東京 end."
    #expect(plain.terms(text) == ["don't", "split", "the", "cat", "toys", "cost", "3.5", "dollars", "1,000",
                                  "units", "ünïcode", "école", "東", "京", "end"])
    let english = TextAnalyzer()
    #expect(english.terms("The cats are running into the gardens") == ["cat", "run", "garden"])
    #expect(english.terms("") == [])
    #expect(english.terms("... --- !!!") == [])
}

@Test func bm25ScoresFollowTheFormula() {
    let docs = ["apple banana apple", "banana cherry", "cherry cherry cherry date", "elderberry"]
    let analyzer = TextAnalyzer(stemming: false, stopWords: false)
    let parameters = BM25Parameters(k1: 1.2, b: 0.75)
    let index = BM25Index(documents: docs, analyzer: analyzer, parameters: parameters)
    #expect(index.documentCount == 4 && index.termCount == 5)
    #expect(index.documentFrequency(ofTerm: "cherry") == 2)
    #expect(index.documentFrequency(ofTerm: "fig") == 0)

    // Independent evaluation of the formula for the query "cherry banana".
    let lengths: [Float] = [3, 2, 4, 1], avgdl: Float = 10.0 / 4
    func part(df: Float, tf: Float, dl: Float) -> Float {
        let idf = Float(log(Double(1 + (4 - df + 0.5) / (df + 0.5))))
        return idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / avgdl))
    }
    let expected: [Int32: Float] = [
        0: part(df: 2, tf: 1, dl: lengths[0]),
        1: part(df: 2, tf: 1, dl: lengths[1]) + part(df: 2, tf: 1, dl: lengths[1]),
        2: part(df: 2, tf: 3, dl: lengths[2]),
    ]
    let hits = index.search("cherry banana", k: 10)
    #expect(hits.count == 3)
    #expect(hits.first?.slot == 1)
    for hit in hits { #expect(abs(hit.score - expected[hit.slot]!) < 1e-5) }
    for pair in zip(hits, hits.dropFirst()) { #expect(ScoredSlot.better(pair.0, pair.1)) }

    // The filter applies during scoring: k hits come back from the accepted documents.
    let accept: [UInt8] = [1, 0, 1, 1]
    let filtered = accept.withUnsafeBufferPointer { index.search("cherry banana", k: 2, accept: $0.baseAddress) }
    #expect(filtered.map(\.slot) == [Int32(0), 2].sorted { expected[$0]! > expected[$1]! })
    #expect(index.search("fig", k: 3).isEmpty)
}
