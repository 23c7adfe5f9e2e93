import LoragBasics
import ModelFiles

// Opening an index file (layout: docs/index-format.md, writer: KnowledgeBase+File.swift).

extension KnowledgeBase {
    /// Maps and validates the index file at `path`.
    public convenience init(contentsOf path: String, threads: Int = 2) throws(VectorIndexError) {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(path: path)
        } catch let error as ModelFileError {
            if case let .cannotOpen(_, reason) = error { throw .cannotOpen(path: path, reason: reason) }
            throw .badFile(path: path, reason: "not a readable safetensors container: \(error)")
        } catch {
            throw .badFile(path: path, reason: "\(error)")
        }
        let reader = IndexFileReader(file: file, path: path)
        try reader.checkFormat()
        let n = try reader.integer("count", 0...Int(Int32.max))
        let dim = try reader.integer("dimension", 0...1 << 20)
        guard n == 0 || dim > 0 else { throw reader.bad("dimension is 0 but the index holds \(n) records") }
        let m = try reader.integer("hnsw.m", 2...512)
        let hnsw = HNSWParameters(m: m, efConstruction: try reader.integer("hnsw.ef_construction", 1...100_000),
                                  seed: try reader.unsigned("hnsw.seed"))
        let bm25 = BM25Parameters(k1: try reader.float("bm25.k1"), b: try reader.float("bm25.b"))
        let analyzer = TextAnalyzer(stemming: try reader.boolean("analyzer.stemming"),
                                    stopWords: try reader.boolean("analyzer.stop_words"))
        let configuration = Configuration(hnsw: hnsw, bm25: bm25, analyzer: analyzer, threads: threads)

        let ids = try reader.strings("ids", offsets: "id_offsets", count: n)
        let hashes = try reader.strings("hashes", offsets: "hash_offsets", count: n)
        let records = try reader.strings("records", offsets: "record_offsets", count: n)

        let vectorData: UnsafeBufferPointer<Float> = try reader.array("vectors", .f32, shape: [n, dim])
        let vectors = n > 0
            ? VectorMatrix(borrowing: vectorData.baseAddress!, count: n, dim: dim, lender: reader.keeper)
            : VectorMatrix(dim: max(dim, 1))

        let levels: UnsafeBufferPointer<Int32> = try reader.array("hnsw.levels", .i32, shape: [n])
        let level0: UnsafeBufferPointer<Int32> = try reader.array("hnsw.level0", .i32, shape: [n, 2 * m + 1])
        let upper: UnsafeBufferPointer<Int32> = try reader.array("hnsw.upper", .i32, shape: [nil, m + 1])
        let arrays = HNSWArrays(levels: Array(levels), level0: Array(level0), upper: Array(upper),
                                entryPoint: Int32(try reader.integer("hnsw.entry_point", -1...Int(Int32.max))),
                                maxLevel: try reader.integer("hnsw.max_level", -1...HNSWGraph.maxLevelCap),
                                levelDraws: try reader.unsigned("hnsw.level_draws"))
        if let problem = arrays.problem(count: n, m: m) { throw reader.bad("HNSW graph: \(problem)") }
        let graph = HNSWGraph(vectors: vectors, parameters: hnsw, arrays: arrays)

        let index = try reader.bm25(documents: n, analyzer: analyzer, parameters: bm25)
        let codes = try reader.codes(count: n, dim: dim)

        self.init(configuration: configuration, dim: dim, model: file.metadata["model"], vectors: vectors, graph: graph,
                  ids: ids, hashes: hashes, records: records, bm25: index, codes: codes)
        guard slotOfID.count == n else { throw reader.bad("ids are not unique (\(slotOfID.count) distinct of \(n))") }
        if let slot = Self.firstRecordNotAnObject(records, threads: threads) {
            throw reader.bad("record \(slot) (id \"\(ids[slot])\") is not a JSON object")
        }
    }

    /// The lowest slot whose record is not a JSON object, or nil. Parsing every record is most
    /// of what opening a large index costs a one-query retrieve (about a third of 0.25 s at
    /// 100,000 records of ~1 KB), so the slots are split between the threads.
    private static func firstRecordNotAnObject(_ records: StringTable, threads: Int) -> Int? {
        let n = records.count
        let parts = max(1, min(threads, n / 1024))
        var firsts = [Int?](repeating: nil, count: parts)
        firsts.withUnsafeMutableBufferPointer { firsts in
            nonisolated(unsafe) let firsts = firsts
            Parallel.forEachItem(parts, threads: threads) { part in
                for slot in n * part / parts..<n * (part + 1) / parts {
                    guard case .object? = try? JSONParser.parse(records.bytes(slot)) else {
                        firsts[part] = slot
                        return
                    }
                }
            }
        }
        return firsts.lazy.compactMap { $0 }.first
    }
}

/// Typed, checked access to the arrays and metadata of one opened file.
private struct IndexFileReader {
    let file: SafetensorsFile
    let path: String
    /// Owns the mapping and any arrays that had to be copied for alignment.
    let keeper: Keeper

    final class Keeper {
        let file: SafetensorsFile
        let copies = OwnedBuffers()
        init(file: SafetensorsFile) { self.file = file }
    }

    init(file: SafetensorsFile, path: String) {
        self.file = file
        self.path = path
        keeper = Keeper(file: file)
    }

    func bad(_ reason: String) -> VectorIndexError { .badFile(path: path, reason: reason) }

    func checkFormat() throws(VectorIndexError) {
        guard let format = file.metadata["format"] else {
            throw bad("the safetensors metadata has no \"format\" (expected \"\(KnowledgeBase.formatName)\"); "
                      + "is this a model file?")
        }
        guard format == KnowledgeBase.formatName else {
            throw bad("format is \"\(format)\", expected \"\(KnowledgeBase.formatName)\"")
        }
        guard file.metadata["version"] == String(KnowledgeBase.formatVersion) else {
            throw bad("format version \(file.metadata["version"] ?? "(none)") is not supported "
                      + "(this lorag reads version \(KnowledgeBase.formatVersion))")
        }
    }

    func text(_ key: String) throws(VectorIndexError) -> String {
        guard let value = file.metadata[key] else { throw bad("metadata \"\(key)\" is missing") }
        return value
    }

    func integer(_ key: String, _ range: ClosedRange<Int>) throws(VectorIndexError) -> Int {
        let value = try text(key)
        guard let n = Int(value), range.contains(n) else {
            throw bad("metadata \"\(key)\" is \"\(value)\", expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }

    func unsigned(_ key: String) throws(VectorIndexError) -> UInt64 {
        let value = try text(key)
        guard let n = UInt64(value) else { throw bad("metadata \"\(key)\" is \"\(value)\", expected an unsigned integer") }
        return n
    }

    func float(_ key: String) throws(VectorIndexError) -> Float {
        let value = try text(key)
        guard let x = Float(value), x.isFinite, x >= 0 else {
            throw bad("metadata \"\(key)\" is \"\(value)\", expected a non-negative number")
        }
        return x
    }

    func boolean(_ key: String) throws(VectorIndexError) -> Bool {
        switch try text(key) {
        case "true": return true
        case "false": return false
        case let value: throw bad("metadata \"\(key)\" is \"\(value)\", expected true or false")
        }
    }

    /// The array `name`, which must have `dtype` and `shape` (nil: any length on that axis).
    func array<T>(_ name: String, _ dtype: SafetensorsDType, shape: [Int?]) throws(VectorIndexError) -> UnsafeBufferPointer<T> {
        precondition(MemoryLayout<T>.stride == dtype.byteSize)
        guard let tensor = try? file.tensor(name) else { throw bad("array \"\(name)\" is missing") }
        guard tensor.dtype == dtype else { throw bad("array \"\(name)\" has type \(tensor.dtype.rawValue), expected \(dtype.rawValue)") }
        let matches = tensor.shape.count == shape.count && zip(tensor.shape, shape).allSatisfy { $1 == nil || $0 == $1 }
        guard matches else {
            let expected = shape.map { $0.map(String.init) ?? "any" }.joined(separator: ", ")
            throw bad("array \"\(name)\" has shape \(tensor.shape), expected [\(expected)]")
        }
        let raw = file.rawBytes(tensor)
        let count = tensor.elementCount
        guard count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        if Int(bitPattern: raw.baseAddress!) % MemoryLayout<T>.alignment == 0 {
            return UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: T.self), count: count)
        }
        // A file written by another tool may not align the array: read it from a copy.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: MemoryLayout<T>.alignment)
        copy.copyMemory(from: raw)
        defer { copy.deallocate() }
        return keeper.copies.keep(Array(copy.bindMemory(to: T.self)))
    }

    func strings(_ name: String, offsets: String, count: Int) throws(VectorIndexError) -> StringTable {
        let bytes: UnsafeBufferPointer<UInt8> = try array(name, .u8, shape: [nil])
        let starts: UnsafeBufferPointer<Int64> = try array(offsets, .i64, shape: [count + 1])
        switch StringTable.wrapping(bytes: bytes, offsets: starts, owner: keeper) {
        case let .success(table): return table
        case let .failure(problem): throw bad("array \"\(offsets)\": \(problem.text)")
        }
    }

    /// The graph walk's eight-bit codes, or nil when the file has none (files written before
    /// they were added; the caller then makes them from the vectors).
    func codes(count n: Int, dim: Int) throws(VectorIndexError) -> ScalarCodes? {
        guard (try? file.tensor("codes")) != nil else { return nil }
        let codes: UnsafeBufferPointer<UInt8> = try array("codes", .u8, shape: [n, dim])
        let low: UnsafeBufferPointer<Float> = try array("codes.low", .f32, shape: [dim])
        let step: UnsafeBufferPointer<Float> = try array("codes.step", .f32, shape: [dim])
        if let problem = ScalarCodes.problem(low: Array(low), step: Array(step), dim: dim) {
            throw bad("arrays \"codes.low\" and \"codes.step\": \(problem)")
        }
        guard n > 0 else { return nil }
        return ScalarCodes(borrowing: codes.baseAddress!, rows: n, dim: dim, low: Array(low), step: Array(step), lender: keeper)
    }

    func bm25(documents n: Int, analyzer: TextAnalyzer, parameters: BM25Parameters) throws(VectorIndexError) -> BM25Index {
        let terms: UnsafeBufferPointer<UInt8> = try array("bm25.terms", .u8, shape: [nil])
        let termStarts: UnsafeBufferPointer<Int64> = try array("bm25.term_starts", .i64, shape: [nil])
        let postingStarts: UnsafeBufferPointer<Int64> = try array("bm25.posting_starts", .i64, shape: [termStarts.count])
        let docs: UnsafeBufferPointer<Int32> = try array("bm25.posting_docs", .i32, shape: [nil])
        let counts: UnsafeBufferPointer<Int32> = try array("bm25.posting_counts", .i32, shape: [docs.count])
        let lengths: UnsafeBufferPointer<Int32> = try array("bm25.document_lengths", .i32, shape: [n])
        guard case let .success(dictionary) = StringTable.wrapping(bytes: terms, offsets: termStarts, owner: keeper) else {
            throw bad("array \"bm25.term_starts\" does not partition \"bm25.terms\"")
        }
        for t in 1..<max(dictionary.count, 1) where !dictionary.bytes(t - 1).lexicographicallyPrecedes(dictionary.bytes(t)) {
            throw bad("BM25 terms \(t - 1) and \(t) are not in increasing order")
        }
        if let problem = StringTable.offsetProblem(postingStarts, total: docs.count) {
            throw bad("array \"bm25.posting_starts\": \(problem)")
        }
        for p in 0..<docs.count where docs[p] < 0 || Int(docs[p]) >= n || counts[p] <= 0 {
            throw bad("BM25 posting \(p) names document \(docs[p]) with count \(counts[p]); expected 0..<\(n) and a positive count")
        }
        for d in 0..<n where lengths[d] < 0 { throw bad("BM25 document \(d) has negative length \(lengths[d])") }
        return BM25Index(analyzer: analyzer, parameters: parameters, termBytes: terms, termStarts: termStarts,
                         postingStarts: postingStarts, postingDocs: docs, postingCounts: counts,
                         documentLengths: lengths, owner: keeper)
    }
}
