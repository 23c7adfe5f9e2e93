import Dispatch

// Searching the knowledge base: dense (exact through BLAS, or HNSW), BM25, or hybrid by
// reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009: score = Σ w / (k + rank),
// k = 60). A metadata filter becomes a per-row mask that every search consults while it
// runs, so k hits come back whenever k records match.

public enum SearchMode: String, Sendable, CaseIterable {
    case dense, bm25, hybrid
}

public struct SearchOptions: Sendable {
    public var mode: SearchMode = .dense
    public var k = 10
    /// Dense search by brute force instead of HNSW.
    public var exact = false
    /// HNSW beam width (raised to k when smaller).
    public var ef = 64
    public var filter: MetadataFilter?
    /// Hits scoring below this are dropped (cosine for dense, BM25 score, fused score for hybrid).
    public var minScore: Float?
    /// Reciprocal-rank fusion: the weights of the dense and BM25 lists, and the constant k.
    public var denseWeight: Float = 1
    public var bm25Weight: Float = 1
    public var rrfK: Float = 60
    /// How deep each list goes before fusion.
    public var fusionDepth = 100
    /// Threads for a batch of HNSW queries.
    public var threads = 2

    public init() {}
}

public struct SearchHit: Sendable, Equatable {
    public var slot: Int
    public var score: Float
}

extension KnowledgeBase {
    /// Answers `texts.count` queries. `queryVectors` (queries × dim, row-major) is needed for
    /// dense and hybrid search, `texts` for BM25 and hybrid. `ks`, when given, overrides
    /// options.k per query. Hits are best first.
    public func search(queryVectors: [Float]?, texts: [String], ks: [Int]? = nil,
                       options: SearchOptions) throws(VectorIndexError) -> [[SearchHit]] {
        let queryCount = texts.count
        let ks = ks ?? Array(repeating: options.k, count: queryCount)
        precondition(ks.count == queryCount, "one k per query")
        guard queryCount > 0 else { return [] }
        let mask = options.filter.map { filterMask($0) }
        let accepted = mask.map { $0.reduce(0) { $0 + Int($1) } } ?? count

        var dense: [[ScoredSlot]] = []
        if options.mode != .bm25 {
            guard var vectors = queryVectors else {
                throw .badRecord(item: "query", reason: "dense search needs query embeddings")
            }
            guard count == 0 || vectors.count == queryCount * dim else {
                throw .dimensionMismatch(item: "query", expected: dim, found: vectors.count / max(queryCount, 1))
            }
            let depth = options.mode == .hybrid ? ks.map { max($0, options.fusionDepth) } : ks
            if count > 0 {
                vectors.withUnsafeMutableBufferPointer { buffer in
                    for q in 0..<queryCount { _ = InnerProduct.normalize(buffer.baseAddress! + q * dim, dim) }
                }
                dense = denseSearch(vectors, depth: depth, mask: mask, accepted: accepted, options: options)
            } else {
                dense = Array(repeating: [], count: queryCount)
            }
        }
        var lexical: [[ScoredSlot]] = []
        if options.mode != .dense {
            lexical = withMask(mask) { accept in
                texts.enumerated().map { q, text in
                    let depth = options.mode == .hybrid ? max(ks[q], options.fusionDepth) : ks[q]
                    return bm25.search(text, k: depth, accept: accept)
                }
            }
        }
        return (0..<queryCount).map { q in
            let ranked: [ScoredSlot]
            switch options.mode {
            case .dense: ranked = dense[q]
            case .bm25: ranked = lexical[q]
            case .hybrid: ranked = fuse(dense[q], lexical[q], options: options)
            }
            return ranked.prefix(ks[q])
                .filter { options.minScore == nil || $0.score >= options.minScore! }
                .map { SearchHit(slot: Int($0.slot), score: $0.score) }
        }
    }

    /// One byte per row: 1 when the record matches the filter.
    public func filterMask(_ filter: MetadataFilter) -> [UInt8] {
        (0..<count).map { filter.matches(record(at: $0)) ? 1 : 0 }
    }

    private func denseSearch(_ queries: [Float], depth: [Int], mask: [UInt8]?, accepted: Int,
                             options: SearchOptions) -> [[ScoredSlot]] {
        let queryCount = depth.count
        let deepest = depth.max() ?? 1
        return queries.withUnsafeBufferPointer { queryBuffer in
            withMask(mask) { accept in
                let base = queryBuffer.baseAddress!
                func exact() -> [[ScoredSlot]] {
                    let found = ExactSearch.search(vectors, queries: base, queryCount: queryCount, k: deepest, accept: accept, codes: codes,
                                                   threads: options.threads)
                    return found.enumerated().map { Array($1.prefix(depth[$0])) }
                }
                // A beam over a graph where fewer than 1 in 10 rows may be returned mostly walks
                // rejected rows; brute force over the matrix is then cheaper and exact.
                if options.exact || accepted * 10 < count { return exact() }
                var results = [[ScoredSlot]](repeating: [], count: queryCount)
                let threadCount = max(1, min(options.threads, queryCount))
                let scratches = scratchPool.borrow(threadCount)
                defer { scratchPool.giveBack(scratches) }
                results.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let out = out, accept = accept, base = base
                    DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
                        var q = thread
                        while q < queryCount {
                            out[q] = graph.search(base + q * dim, k: depth[q], ef: max(options.ef, depth[q]),
                                                  accept: accept, codes: codes, scratch: scratches[thread])
                            q += threadCount
                        }
                    }
                }
                // A filtered beam can end with fewer hits than exist; then answer exactly.
                let short = (0..<queryCount).contains { results[$0].count < min(depth[$0], accepted) }
                return short ? exact() : results
            }
        }
    }

    /// Reciprocal-rank fusion of the two lists (ranks from 1), best first.
    private func fuse(_ dense: [ScoredSlot], _ lexical: [ScoredSlot], options: SearchOptions) -> [ScoredSlot] {
        var scores: [Int32: Float] = [:]
        for (rank, hit) in dense.enumerated() {
            scores[hit.slot, default: 0] += options.denseWeight / (options.rrfK + Float(rank + 1))
        }
        for (rank, hit) in lexical.enumerated() {
            scores[hit.slot, default: 0] += options.bm25Weight / (options.rrfK + Float(rank + 1))
        }
        return scores.map { ScoredSlot(slot: $0.key, score: $0.value) }.sorted(by: ScoredSlot.better)
    }
}

/// Runs `body` with a pointer to the mask's bytes, or nil when there is no mask.
private func withMask<R>(_ mask: [UInt8]?, _ body: (UnsafePointer<UInt8>?) -> R) -> R {
    guard let mask else { return body(nil) }
    return mask.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// One hit of a search over several index files (shards).
public struct ShardHit: Sendable, Equatable {
    public var shard: Int
    public var hit: SearchHit
}

extension KnowledgeBase {
    /// Merges per-shard hit lists (each best first) into the best `k` overall, by score; ties
    /// go to the earlier shard, then the lower row, so the merge is deterministic.
    public static func merge(_ perShard: [[SearchHit]], k: Int) -> [ShardHit] {
        var all: [ShardHit] = []
        for (shard, hits) in perShard.enumerated() { all += hits.map { ShardHit(shard: shard, hit: $0) } }
        all.sort {
            $0.hit.score > $1.hit.score
                || ($0.hit.score == $1.hit.score && ($0.shard, $0.hit.slot) < ($1.shard, $1.hit.slot))
        }
        return Array(all.prefix(k))
    }
}
