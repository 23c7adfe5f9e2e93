import Foundation
import LoragBasics
import Testing
@testable import VectorIndex

// The knowledge base end to end in memory: updates by id, the file round trip, and searches
// in every mode.

let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma"]

/// Record i: text from a few words chosen by i, vector from the clustered set, lang by parity.
func makeRecords(_ vectors: VectorMatrix, range: Range<Int>, tag: String = "v1",
                 model: String? = "test-model@sha256:0") -> [EmbeddedRecord] {
    range.map { i in
        var fields: JSONObject = ["id": .string("doc\(i)"),
                                  "text": .string("\(words[i % 10]) \(words[(i / 10) % 10]) \(tag) number\(i)"),
                                  "meta": ["lang": i % 2 == 0 ? "en" : "fr"]]
        fields["embedding"] = try! JSONValue.floats(UnsafeBufferPointer(start: vectors.row(i - range.lowerBound), count: vectors.dim))
        if let model { fields["embedding_model"] = .string(model) }
        return try! EmbeddedRecord(record: fields, item: "test:\(i)")
    }
}

func smallConfiguration() -> KnowledgeBase.Configuration {
    KnowledgeBase.Configuration(hnsw: HNSWParameters(m: 8, efConstruction: 60))
}

func reopen(_ kb: KnowledgeBase) throws -> KnowledgeBase {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vindex-\(UUID().uuidString).idx").path
    FileManager.default.createFile(atPath: path, contents: Data(kb.fileBytes()))
    defer { try? FileManager.default.removeItem(atPath: path) }
    // The mapping stays valid after unlinking the path.
    return try KnowledgeBase(contentsOf: path)
}

@Test func updatesSkipReplaceAddPruneAndDelete() throws {
    let mixture = ClusteredVectors(dim: 32, clusters: 8, seed: 1)
    let kb = KnowledgeBase(configuration: smallConfiguration())
    let first = makeRecords(mixture.sample(count: 300, stream: 1), range: 0..<300)
    var summary = try kb.update(with: first)
    #expect(summary == UpdateSummary(added: 300))
    #expect(kb.count == 300 && kb.dim == 32 && kb.model == "test-model@sha256:0")

    // Unchanged input: nothing to do.
    summary = try kb.update(with: first)
    #expect(summary == UpdateSummary(skipped: 300) && !summary.changed)

    // Ten changed texts (new hashes), twenty new records, a delete list of five.
    // Records 100..<105 are left out of the input: without --prune they stay.
    let changed = makeRecords(mixture.sample(count: 10, stream: 2), range: 0..<10, tag: "v2")
    let second = changed + first[10..<100] + first[105..<295] + makeRecords(mixture.sample(count: 20, stream: 3), range: 300..<320)
    summary = try kb.update(with: second, deleteIDs: (295..<300).map { "doc\($0)" })
    #expect(summary == UpdateSummary(added: 20, replaced: 10, skipped: 280, deleted: 5))
    #expect(kb.count == 315)
    #expect(kb.slot(of: "doc297") == nil && kb.slot(of: "doc101") != nil)
    let slot = try #require(kb.slot(of: "doc3"))
    #expect(kb.record(at: slot)["text"]?.stringValue == "delta alpha v2 number3")
    #expect(kb.vector(at: slot) == changed[3].vector)

    // Prune: ids absent from the input go.
    summary = try kb.update(with: Array(second.prefix(200)), prune: true)
    #expect(summary.deleted == 115 && summary.skipped == 200 && kb.count == 200)
    #expect(kb.slot(of: "doc101") == nil)
    #expect(kb.slot(of: "doc310") == nil)
    #expect(kb.graph.nodeCount == 200 && kb.bm25.documentCount == 200)
}

@Test func mixingModelsOrDimensionsIsAnError() throws {
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(ClusteredVectors(dim: 16, seed: 1).sample(count: 5, stream: 1), range: 0..<5))
    let other = makeRecords(ClusteredVectors(dim: 16, seed: 1).sample(count: 1, stream: 2), range: 10..<11, model: "other@sha256:1")
    #expect(throws: VectorIndexError.modelMismatch(expected: "test-model@sha256:0", found: "other@sha256:1", item: "test:10")) {
        try kb.update(with: other)
    }
    let wide = makeRecords(ClusteredVectors(dim: 24, seed: 1).sample(count: 1, stream: 2), range: 10..<11)
    #expect(throws: VectorIndexError.dimensionMismatch(item: "test:10", expected: 16, found: 24)) {
        try kb.update(with: wide)
    }
    let twice = makeRecords(ClusteredVectors(dim: 16, seed: 1).sample(count: 1, stream: 2), range: 10..<11)
    #expect(throws: VectorIndexError.duplicateID("doc10")) { try kb.update(with: twice + twice) }
    #expect(kb.count == 5)
}

@Test func embeddedRecordReadsBase64AndRejectsBadVectors() throws {
    let values: [Float] = [3, 4]
    let base64 = Data(values.withUnsafeBytes { Array($0) }).base64EncodedString()
    let record = try EmbeddedRecord(record: ["id": "a", "text": "hi", "embedding": .string(base64)], item: "x:1")
    #expect(record.vector == [0.6, 0.8])
    #expect(record.hash == "sha256:" + SHA256.hash("hi").hex)
    #expect(record.fields["embedding"] == nil)
    #expect(throws: VectorIndexError.invalidVector(item: "x:2", reason: "the embedding has zero length or a value that is not finite")) {
        try EmbeddedRecord(record: ["id": "b", "embedding": [0, 0]], item: "x:2")
    }
    #expect(throws: VectorIndexError.badRecord(item: "x:3", reason: "missing key \"id\"")) {
        try EmbeddedRecord(record: ["embedding": [1]], item: "x:3")
    }
    #expect(throws: VectorIndexError.invalidVector(item: "x:4", reason: "character 2 of the base64 text is not base64")) {
        try EmbeddedRecord(record: ["id": "c", "embedding": "A*AA"], item: "x:4")
    }
}

@Test func fileRoundTripKeepsEverything() throws {
    let mixture = ClusteredVectors(dim: 32, clusters: 8, seed: 2)
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(mixture.sample(count: 400, stream: 1), range: 0..<400))
    let copy = try reopen(kb)
    #expect(copy.count == 400 && copy.dim == 32 && copy.model == kb.model)
    #expect(copy.configuration.hnsw == kb.configuration.hnsw && copy.configuration.bm25 == kb.configuration.bm25)
    for slot in [0, 17, 399] {
        #expect(copy.ids[slot] == kb.ids[slot] && copy.hashes[slot] == kb.hashes[slot])
        #expect(copy.record(at: slot) == kb.record(at: slot))
        #expect(copy.vector(at: slot) == kb.vector(at: slot))
    }
    #expect(copy.fileBytes() == kb.fileBytes())
    let queries = mixture.sample(count: 5, stream: 9)
    var options = SearchOptions()
    options.k = 5
    let q = Array(UnsafeBufferPointer(start: queries.base, count: 5 * 32))
    let texts = ["alpha beta", "gamma", "kappa sigma", "number7", "zeta"]
    for mode in SearchMode.allCases {
        options.mode = mode
        #expect(try copy.search(queryVectors: q, texts: texts, options: options)
                == kb.search(queryVectors: q, texts: texts, options: options))
    }
    // The reopened index accepts updates (its vectors are copied out of the mapping first).
    let summary = try copy.update(with: makeRecords(mixture.sample(count: 10, stream: 4), range: 400..<410))
    #expect(summary.added == 10 && copy.count == 410)
}

@Test func fileStaysCompactAfterReplacingAndDeleting() throws {
    let mixture = ClusteredVectors(dim: 32, clusters: 8, seed: 3)
    let n = 1000
    let original = makeRecords(mixture.sample(count: n, stream: 1), range: 0..<n)
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: original)
    // Replace 20% (new text and vector), delete 10%, three rounds.
    var current = original
    for round in 0..<3 {
        let fresh = makeRecords(mixture.sample(count: n, stream: UInt64(10 + round)), range: 0..<n, tag: "r\(round)")
        current = current.enumerated().map { $0.offset % 5 == round ? fresh[$0.offset] : $0.element }
        let deleted = current.indices.filter { $0 % 10 == 9 }.map { current[$0].id }
        _ = try kb.update(with: current.filter { !deleted.contains($0.id) }, prune: true)
        _ = try kb.update(with: current)  // and add them back
    }
    let fresh = KnowledgeBase(configuration: smallConfiguration())
    _ = try fresh.update(with: current)
    let updatedSize = kb.fileBytes().count, freshSize = fresh.fileBytes().count
    #expect(kb.count == fresh.count)
    #expect(Double(updatedSize) <= Double(freshSize) * 1.10, "updated \(updatedSize) bytes, fresh \(freshSize)")
}

@Test func statisticsCountWhatTheIndexHolds() throws {
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(ClusteredVectors(dim: 16, clusters: 4, seed: 8).sample(count: 120, stream: 1), range: 0..<120))
    let stats = kb.statistics(fileBytes: kb.fileBytes().count)
    #expect(stats["records"] == .number(JSONNumber(120)) && stats["dimension"] == .number(JSONNumber(16)))
    #expect(stats["vector_bytes"] == .number(JSONNumber(120 * 16 * 4)) && stats["code_bytes"] == .number(JSONNumber(120 * 16)))
    #expect(stats["file_bytes"] == .number(JSONNumber(kb.fileBytes().count)))
    guard case let .object(hnsw)? = stats["hnsw"], case let .array(perLevel)? = hnsw["nodes_per_level"] else {
        Issue.record("no hnsw statistics")
        return
    }
    #expect(perLevel.compactMap { $0.intValue }.reduce(0, +) == 120)
    let links = (0..<120).reduce(0) { total, slot in
        total + (0...(kb.graph.level(of: slot) ?? 0)).reduce(0) { $0 + kb.graph.neighbours(of: slot, level: $1).count }
    }
    #expect(hnsw["links"] == .number(JSONNumber(links)))
}
