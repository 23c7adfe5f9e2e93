import Models
import TensorCore
import Testing

// sentence-transformers' pooling modes on a hand-computed example, in its concatenation order
// (CLS, max, mean, mean/√len), and the config file that selects them. (The modes were also
// checked against sentence-transformers itself on MiniLM with CLS, max and all four at once:
// max abs diff ≤ 3.8e-6 over the 85 reference sentences; Benchmarks/embed/README.md.)

@Test func everyPoolingModeComputesWhatSentenceTransformersDoes() throws {
    // Three tokens of hidden size 2.
    let values: [Float] = [1, -2,
                           3, 4,
                           -1, 0]
    var tokens = values
    let pooling = Pooling(modes: [.meanSqrtLength, .mean, .cls, .max])  // any order in, fixed order out
    #expect(pooling.modes == [.cls, .max, .mean, .meanSqrtLength])
    #expect(pooling.dimension(hidden: 2) == 8)
    var out = [Float](repeating: .nan, count: 8)
    tokens.withUnsafeMutableBufferPointer { t in
        out.withUnsafeMutableBufferPointer { o in
            pooling.pool(MatrixView(base: t.baseAddress!, rows: 3, cols: 2), into: o.baseAddress!)
        }
    }
    let root3 = Float(3).squareRoot()
    let expected: [Float] = [1, -2,            // CLS: the first token
                             3, 4,             // max per column
                             1, 2.0 / 3,       // mean
                             3 / root3, 2 / root3]  // sum / √3
    for (got, want) in zip(out, expected) { #expect(abs(got - want) <= 1e-6, "\(out) vs \(expected)") }
}

@Test func poolingConfigSelectsModesAndRefusesUnsupportedOnes() throws {
    let cls = try Pooling(json: #"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#, file: "p.json")
    #expect(cls.modes == [.cls])
    let both = try Pooling(json: #"{"pooling_mode_max_tokens": true, "pooling_mode_mean_tokens": true}"#, file: "p.json")
    #expect(both.modes == [.max, .mean])
    #expect(throws: (any Error).self) { try Pooling(json: #"{"pooling_mode_lasttoken": true}"#, file: "p.json") }
    #expect(throws: (any Error).self) { try Pooling(json: #"{"pooling_mode_mean_tokens": false}"#, file: "p.json") }
}
