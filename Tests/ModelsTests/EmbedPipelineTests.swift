import Foundation
import LoragBasics
import Models
import Testing

private func run(_ pipeline: EmbeddingPipeline, _ records: [JSONObject],
                 onBad: (EmbeddingError) throws -> Void = { throw $0 }) throws -> ([JSONObject], [[Float]], EmbeddingSummary) {
    var index = 0
    var out: [JSONObject] = [], vectors: [[Float]] = []
    let summary = try pipeline.run(
        next: { index < records.count ? { index += 1; return records[index - 1] }() : nil },
        onBadRecord: onBad,
        emit: { out.append($0); vectors.append(Array($1)) })
    return (out, vectors, summary)
}

@Test func badRecordsAreReportedOrSkippedAndEmptyTextIsEmbedded() throws {
    let embedder = try EmbedTestFiles.miniLM()
    let pipeline = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(batchSize: 2, windowSize: 3))
    let records: [JSONObject] = [["id": "a", "text": "first"], ["id": "b"], ["id": "c", "text": 5],
                                 ["id": "d", "text": ""], ["id": "e", "text": "last"]]
    #expect(throws: EmbeddingError.badRecord(field: "text", found: "no such field")) { try run(pipeline, records) }

    var reasons: [EmbeddingError] = []
    let (out, vectors, summary) = try run(pipeline, records, onBad: { reasons.append($0) })
    #expect(out.map { $0["id"]?.stringValue } == ["a", "d", "e"])
    #expect(reasons == [.badRecord(field: "text", found: "no such field"), .badRecord(field: "text", found: "number")])
    #expect(summary.skipped == 2 && summary.records == 3)
    let norm = vectors[1].reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(abs(norm - 1) < 1e-5, "the empty text has a unit-length embedding too")
}

@Test func prefixFieldAndTruncationPolicy() throws {
    let embedder = try EmbedTestFiles.miniLM()
    let long = String(repeating: "word ", count: 300)
    let records: [JSONObject] = [["body": "query: hello"], ["body": .string(long)]]
    let plain = try run(EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(field: "body")), records)
    #expect(plain.2.truncated == 1)
    let prefixed = try run(EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(field: "body", prefix: "query: ")),
                           [["body": "hello"]])
    // Same tokens, but a different batch around them: BLAS may block the products differently for
    // another row count, which moves float32 sums by a few ulps (~1e-7), never more.
    let difference = zip(prefixed.1[0], plain.1[0]).map { abs($0 - $1) }.max() ?? .infinity
    #expect(difference < 1e-6, "--prefix is the same as writing the prefix into the text")
    let strict = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(field: "body", truncation: .error))
    #expect(throws: EmbeddingError.truncated(tokens: 302, limit: 256)) { try run(strict, records) }
}

@Test func recordFormatPassesFieldsThroughAndEncodes() throws {
    let values: [Float] = [0.1, -2.5, 1e-8, 3]
    let format = EmbeddingRecordFormat(encoding: .json, modelIdentity: "m@sha256:0123")
    var bytes: [UInt8] = []
    let record: JSONObject = ["id": 7, "meta": ["x": [1, 2]], "embedding": "old", "text": "t"]
    try values.withUnsafeBufferPointer { try format.write(record, embedding: $0, to: &bytes) }
    #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"id":7,"meta":{"x":[1,2]},"text":"t","embedding":[0.1,-2.5,1e-08,3.0],"embedding_model":"m@sha256:0123"}"#)

    let base64 = values.withUnsafeBufferPointer { EmbeddingRecordFormat.base64($0) }
    let decoded = try #require(Data(base64Encoded: base64))
    let floats = (0..<4).map { i in
        Float(bitPattern: UInt32(littleEndian: decoded.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }))
    }
    #expect(floats == values)
}
