import ModelFiles
import Testing
@testable import VectorIndex

// The graph walk's eight-bit codes: what they approximate, that the grouped kernels agree with
// the single ones, that search through them still returns exact scores at high recall, and that
// the index file carries them (and still opens without them).

@Test func codesReproduceEveryValueWithinHalfAStep() {
    let base = ClusteredVectors(dim: 48, clusters: 6, seed: 3).sample(count: 500, stream: 1)
    // One constant dimension: step 1, code 0.
    for r in 0..<base.rows { base.row(r)[5] = 0.25 }
    let codes = ScalarCodes(quantizing: base)
    #expect(codes.step[5] == 1 && codes.low[5] == 0.25)
    #expect(ScalarCodes.problem(low: codes.low, step: codes.step, dim: 48) == nil)
    for r in 0..<base.rows {
        for d in 0..<48 {
            let decoded = codes.low[d] + codes.step[d] * Float(codes.codes[r * 48 + d])
            #expect(abs(decoded - base.row(r)[d]) <= codes.step[d] * 0.5001, "row \(r) dimension \(d)")
        }
    }
}

@Test func groupedKernelsEqualTheSingleOnes() {
    for dim in [64, 48, 37] {
        let base = ClusteredVectors(dim: dim, clusters: 3, seed: 11).sample(count: 8, stream: 1)
        let query = ClusteredVectors(dim: dim, clusters: 3, seed: 11).sample(count: 1, stream: 2)
        let codes = ScalarCodes(quantizing: base)
        let scaled = UnsafeMutablePointer<Float>.allocate(capacity: dim)
        defer { scaled.deallocate() }
        let bias = codes.prepare(query.row(0), into: scaled)
        let approximate = CodeScorer(scaled: scaled, bias: bias, codes: codes.codes, dim: dim)
        let exact = FloatScorer(query: query.row(0), rows: base.base, dim: dim)
        let four = approximate.score4(1, 6, 3, 0), fourExact = exact.score4(7, 2, 5, 4)
        // Bit for bit: a score must not depend on the kernel that computed it.
        #expect(four == SIMD4(approximate.score(1), approximate.score(6), approximate.score(3), approximate.score(0)))
        #expect(fourExact == SIMD4(exact.score(7), exact.score(2), exact.score(5), exact.score(4)))
        for r in Int32(0)..<8 {
            let trueScore = InnerProduct.dot(query.row(0), base.row(Int(r)), dim)
            #expect(abs(exact.score(r) - trueScore) < 1e-5)
            // Each of dim values is off by at most half a step; a unit query bounds the sum.
            let bound = codes.step.map { $0 * $0 }.reduce(0, +).squareRoot() * 0.5 + 1e-5
            #expect(abs(approximate.score(r) - trueScore) <= bound, "dim \(dim) row \(r)")
        }
    }
}

@Test func searchThroughCodesReturnsExactScoresAtHighRecall() {
    let mixture = ClusteredVectors(dim: 64, clusters: 40, seed: 7)
    let base = mixture.sample(count: 6000, stream: 1)
    let queries = mixture.sample(count: 200, stream: 2)
    let graph = buildGraph(base)
    let codes = ScalarCodes(quantizing: base)
    let scratch = HNSWScratch()
    let approximate = (0..<queries.rows).map { graph.search(queries.row($0), k: 10, ef: 64, codes: codes, scratch: scratch) }
    let plain = hnswTop(graph, queries, k: 10, ef: 64)
    let exact = exactTop(base, queries, k: 10)
    let withCodes = recall(approximate, exact, k: 10), withoutCodes = recall(plain, exact, k: 10)
    #expect(withCodes >= 0.95 && withCodes >= withoutCodes - 0.01, "recall@10 \(withCodes) with codes, \(withoutCodes) without")
    for (q, hits) in approximate.enumerated() {
        #expect(hits.count == 10)
        for pair in zip(hits, hits.dropFirst()) { #expect(ScoredSlot.better(pair.0, pair.1)) }
        for hit in hits {
            let trueScore = InnerProduct.dot32(queries.row(q), base.row(Int(hit.slot)), 64)
            #expect(hit.score == trueScore)
        }
    }
}

@Test func theFileCarriesTheCodesAndOpensWithoutThem() throws {
    let mixture = ClusteredVectors(dim: 32, clusters: 8, seed: 2)
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(mixture.sample(count: 300, stream: 1), range: 0..<300))
    let bytes = kb.fileBytes()
    let reopened = try withTemporaryFile(bytes) { try KnowledgeBase(contentsOf: $0) }
    #expect(reopened.codes.low == kb.codes.low && reopened.codes.step == kb.codes.step)
    #expect(Array(UnsafeBufferPointer(start: reopened.codes.codes, count: 300 * 32))
            == Array(UnsafeBufferPointer(start: kb.codes.codes, count: 300 * 32)))

    // The same file without the three arrays: it opens, makes the same codes, answers the same.
    let stripped = try withTemporaryFile(bytes) { path -> [UInt8] in
        let file = try SafetensorsFile(path: path)
        var writer = SafetensorsWriter(metadata: file.metadata)
        for tensor in file.tensors where !tensor.name.hasPrefix("codes") {
            try writer.add(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: Array(file.rawBytes(tensor)))
        }
        var out = writer.encodedHeader()
        for tensor in file.tensors where !tensor.name.hasPrefix("codes") { out += Array(file.rawBytes(tensor)) }
        return out
    }
    let older = try withTemporaryFile(stripped) { try KnowledgeBase(contentsOf: $0) }
    #expect(older.codes.low == kb.codes.low && older.codes.step == kb.codes.step)
    let queries = mixture.sample(count: 5, stream: 9)
    var options = SearchOptions()
    options.k = 5
    let q = Array(UnsafeBufferPointer(start: queries.base, count: 5 * 32))
    let texts = Array(repeating: "", count: 5)
    #expect(try older.search(queryVectors: q, texts: texts, options: options)
            == kb.search(queryVectors: q, texts: texts, options: options))

    // A step that is not positive is named.
    let broken = try withTemporaryFile(bytes) { path -> [UInt8] in
        let file = try SafetensorsFile(path: path)
        var writer = SafetensorsWriter(metadata: file.metadata)
        var parts: [[UInt8]] = []
        for tensor in file.tensors {
            var data = Array(file.rawBytes(tensor))
            if tensor.name == "codes.step" { data.replaceSubrange(0..<4, with: [0, 0, 0, 0]) }
            try writer.add(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: data)
            parts.append(data)
        }
        return writer.encodedHeader() + parts.flatMap { $0 }
    }
    let message = openError(broken)
    #expect(message?.contains("codes.step") == true && message?.contains("dimension 0") == true, "\(message ?? "opened")")
}
