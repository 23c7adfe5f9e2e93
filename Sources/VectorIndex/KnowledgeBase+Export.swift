import LoragBasics

// What `index --stats` and `index --export` print.

extension KnowledgeBase {
    /// Record `slot` as `index` read it: the stored fields plus "embedding" (the stored unit
    /// vector) and "embedding_model", so an export can be indexed again.
    public func exportedRecord(at slot: Int) -> JSONObject {
        var object = record(at: slot)
        // Stored vectors are finite (checked on input), so this cannot fail.
        object["embedding"] = try! JSONValue.floats(UnsafeBufferPointer(start: vectors.row(slot), count: dim))
        if let model { object["embedding_model"] = .string(model) }
        return object
    }

    /// Counts, model, dimension and sizes of the index, as one JSON object.
    public func statistics(fileBytes: Int? = nil) -> JSONObject {
        var levels = [Int](repeating: 0, count: max(graph.maxLevel + 1, 1))
        var links = 0
        for slot in 0..<count {
            let top = graph.level(of: slot) ?? 0
            levels[top] += 1
            for level in 0...top { links += graph.neighbours(of: slot, level: level).count }
        }
        var stats: JSONObject = [
            "format": .string(KnowledgeBase.formatName),
            "version": .number(JSONNumber(KnowledgeBase.formatVersion)),
            "records": .number(JSONNumber(count)),
            "dimension": .number(JSONNumber(dim)),
            "model": model.map(JSONValue.string) ?? .null,
            "vector_bytes": .number(JSONNumber(count * dim * 4)),
            "code_bytes": .number(JSONNumber(count * dim)),
            "record_bytes": .number(JSONNumber(records.bytes.count)),
            "hnsw": [
                "m": .number(JSONNumber(configuration.hnsw.m)),
                "ef_construction": .number(JSONNumber(configuration.hnsw.efConstruction)),
                "max_level": .number(JSONNumber(graph.maxLevel)),
                "nodes_per_level": .array(levels.map { .number(JSONNumber($0)) }),
                "links": .number(JSONNumber(links)),
            ],
            "bm25": [
                "k1": .number(try! JSONNumber(configuration.bm25.k1)),
                "b": .number(try! JSONNumber(configuration.bm25.b)),
                "stemming": .bool(configuration.analyzer.stemming),
                "stop_words": .bool(configuration.analyzer.stopWords),
                "terms": .number(JSONNumber(bm25.termCount)),
                "postings": .number(JSONNumber(bm25.postingCount)),
            ],
        ]
        if let fileBytes { stats["file_bytes"] = .number(JSONNumber(fileBytes)) }
        return stats
    }
}

extension KnowledgeBase {
    /// A hit as `retrieve` writes it: "id" and "score" first, then the record's other fields.
    public func hitRecord(_ hit: SearchHit) -> JSONObject {
        let stored = record(at: hit.slot)
        var object: JSONObject = ["id": .string(ids[hit.slot])]
        // Scores are finite: inner products of unit vectors, BM25 sums, or fused ranks.
        object["score"] = .number((try? JSONNumber(hit.score)) ?? JSONNumber(0))
        for member in stored where member.key != "id" && member.key != "score" { object[member.key] = member.value }
        return object
    }
}
