import ModelFiles

// The index file: a safetensors file (so Python's `safetensors` opens it) with the layout of
// docs/index-format.md. Opening maps it and checks every field before use — format name,
// version, counts, every array's type and shape, every offset and every graph link — so a
// corrupt, truncated or foreign file is an error naming the problem, never a crash. The
// vectors are read in place from the mapping.

extension KnowledgeBase {
    public static let formatName = "lorag-index"
    public static let formatVersion = 1

    /// Writes the file through `sink`, in pieces (the header, then each array).
    public func write(to sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let parts = fileParts()
        var writer = SafetensorsWriter(metadata: fileMetadata())
        for part in parts {
            // Names are unique and sizes match the shapes by construction.
            try! writer.add(name: part.name, dtype: part.dtype, shape: part.shape, bytes: part.bytes)
        }
        let header = writer.encodedHeader()
        try header.withUnsafeBytes { try sink($0) }
        for part in parts { try part.bytes.withUnsafeBytes { try sink($0) } }
    }

    /// The whole file as bytes (for tests and small indexes).
    public func fileBytes() -> [UInt8] {
        var out: [UInt8] = []
        write { (raw: UnsafeRawBufferPointer) in out.append(contentsOf: raw) }
        return out
    }

    private func fileMetadata() -> [String: String] {
        var m: [String: String] = [
            "format": KnowledgeBase.formatName,
            "version": String(KnowledgeBase.formatVersion),
            "dimension": String(dim),
            "count": String(count),
            "hnsw.m": String(configuration.hnsw.m),
            "hnsw.ef_construction": String(configuration.hnsw.efConstruction),
            "hnsw.seed": String(configuration.hnsw.seed),
            "hnsw.entry_point": String(count > 0 ? graph.entryPoint : -1),
            "hnsw.max_level": String(count > 0 ? graph.maxLevel : -1),
            "hnsw.level_draws": String(graph.levelDraws),
            "bm25.k1": String(configuration.bm25.k1),
            "bm25.b": String(configuration.bm25.b),
            "analyzer.stemming": String(configuration.analyzer.stemming),
            "analyzer.stop_words": String(configuration.analyzer.stopWords),
        ]
        if let model { m["model"] = model }
        return m
    }

    private struct Part {
        var name: String
        var dtype: SafetensorsDType
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// The arrays in file order: 8-byte types first, then 4-byte, then bytes, so every array
    /// is aligned for its type when the data buffer is (safetensors pads the header to 8).
    private func fileParts() -> [Part] {
        func bytes<T>(_ buffer: UnsafeBufferPointer<T>) -> [UInt8] { Array(UnsafeRawBufferPointer(buffer)) }
        func bytes<T>(_ array: [T]) -> [UInt8] { array.withUnsafeBytes { Array($0) } }
        let n = count
        let graphArrays = graph.arrays(newSlot: (0..<Int32(n)).map { $0 }, count: n)
        let m = configuration.hnsw.m
        return [
            Part(name: "id_offsets", dtype: .i64, shape: [n + 1], bytes: bytes(ids.offsets)),
            Part(name: "hash_offsets", dtype: .i64, shape: [n + 1], bytes: bytes(hashes.offsets)),
            Part(name: "record_offsets", dtype: .i64, shape: [n + 1], bytes: bytes(records.offsets)),
            Part(name: "bm25.term_starts", dtype: .i64, shape: [bm25.termStarts.count], bytes: bytes(bm25.termStarts)),
            Part(name: "bm25.posting_starts", dtype: .i64, shape: [bm25.postingStarts.count], bytes: bytes(bm25.postingStarts)),
            Part(name: "vectors", dtype: .f32, shape: [n, dim],
                 bytes: Array(UnsafeRawBufferPointer(start: vectors.base, count: n * dim * 4))),
            Part(name: "hnsw.levels", dtype: .i32, shape: [n], bytes: bytes(graphArrays.levels)),
            Part(name: "hnsw.level0", dtype: .i32, shape: [n, 2 * m + 1], bytes: bytes(graphArrays.level0)),
            Part(name: "hnsw.upper", dtype: .i32, shape: [graphArrays.upper.count / (m + 1), m + 1],
                 bytes: bytes(graphArrays.upper)),
            Part(name: "bm25.posting_docs", dtype: .i32, shape: [bm25.postingDocs.count], bytes: bytes(bm25.postingDocs)),
            Part(name: "bm25.posting_counts", dtype: .i32, shape: [bm25.postingCounts.count], bytes: bytes(bm25.postingCounts)),
            Part(name: "bm25.document_lengths", dtype: .i32, shape: [n], bytes: bytes(bm25.documentLengths)),
            Part(name: "codes.low", dtype: .f32, shape: [dim], bytes: bytes(codes.low)),
            Part(name: "codes.step", dtype: .f32, shape: [dim], bytes: bytes(codes.step)),
            Part(name: "ids", dtype: .u8, shape: [ids.bytes.count], bytes: bytes(ids.bytes)),
            Part(name: "hashes", dtype: .u8, shape: [hashes.bytes.count], bytes: bytes(hashes.bytes)),
            Part(name: "records", dtype: .u8, shape: [records.bytes.count], bytes: bytes(records.bytes)),
            Part(name: "bm25.terms", dtype: .u8, shape: [bm25.termBytes.count], bytes: bytes(bm25.termBytes)),
            Part(name: "codes", dtype: .u8, shape: [n, dim], bytes: Array(UnsafeRawBufferPointer(start: codes.codes, count: n * dim))),
        ]
    }
}
