import ArgumentParser
import LoragBasics
import TensorCore
import ToolSupport
import VectorIndex
#if canImport(Glibc)
import Glibc
#endif

@main
struct Retrieve: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Answer queries (plain text or JSONL lines) from one or more index files.",
        discussion: """
            Each input line is a query: plain text, or JSON {"query": ..., "id"?: ..., "k"?: ...}. \
            Dense and hybrid search embed the query text with the model the index records (found \
            by --model, $LORAG_EMBED_MODEL or models/; another model is an error). A JSON query may \
            instead carry its own "embedding" (numbers or base64 float32, and "embedding_model"). \
            Writes one record per query: the query's fields plus "hits", each hit the stored \
            record with its "score".
            """)

    @Argument(help: "Files of queries (default: stdin).")
    var inputs: [String] = []

    @Option(name: .long, help: "Index file to search; repeat for shards (merged by score).")
    var index: [String] = []

    @Option(name: .short, help: "Number of hits per query.")
    var k: Int = 5

    @Option(name: .long, help: "dense, bm25 or hybrid.")
    var mode: String = "dense"

    @Flag(name: .long, help: "Exact dense search instead of the HNSW graph.")
    var exact = false

    @Option(name: .long, help: "HNSW beam width for dense search.")
    var ef: Int = 64

    @Option(name: .customLong("where"), help: "Only records whose field equals the value (field=value; repeatable; dots reach into objects).")
    var filters: [String] = []

    @Option(name: .customLong("min-score"), help: "Drop hits scoring below this.")
    var minScore: Float?

    @Option(name: .customLong("dense-weight"), help: "Weight of the dense list in hybrid fusion.")
    var denseWeight: Float = 1

    @Option(name: .customLong("bm25-weight"), help: "Weight of the BM25 list in hybrid fusion.")
    var bm25Weight: Float = 1

    @Option(name: .long, help: "Embedding model folder (default: $LORAG_EMBED_MODEL or models/all-MiniLM-L6-v2; must match the index).")
    var model: String?

    @Option(name: .long, help: "Text put before every query before embedding, e.g. \"query: \" for e5 models.")
    var prefix: String = ""

    @Option(name: .long, help: "Queries answered together (one matrix product for --exact); 1 answers each on its own.")
    var batch: Int = 256

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if index.isEmpty { throw ValidationError("give at least one --index FILE") }
        if k < 1 { throw ValidationError("-k must be at least 1, got \(k)") }
        if ef < 1 { throw ValidationError("--ef must be at least 1, got \(ef)") }
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if SearchMode(rawValue: mode) == nil { throw ValidationError("--mode must be dense, bm25 or hybrid, got \"\(mode)\"") }
    }

    func run() throws {
        if let threads = common.threads { Threads.set(threads) }
        // Graph search, exact search (single-threaded BLAS on each of our threads) and BM25 all
        // run on our own threads; OpenBLAS's pool, started when the library loaded, would spin.
        Threads.stopIdleBLASWorkers()
        var options = SearchOptions()
        options.mode = SearchMode(rawValue: mode)!
        options.k = k
        options.exact = exact
        options.ef = ef
        options.minScore = minScore
        options.denseWeight = denseWeight
        options.bm25Weight = bm25Weight
        options.threads = common.threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if !filters.isEmpty { options.filter = try mapped { () throws(VectorIndexError) in try MetadataFilter(parsing: filters) } }
        let shards = try index.map { path in
            try mapped { () throws(VectorIndexError) in try KnowledgeBase(contentsOf: path, threads: options.threads) }
        }
        for (path, shard) in zip(index, shards).dropFirst() where shard.model != shards[0].model || shard.dim != shards[0].dim {
            throw ToolError.badData("\(path) holds embeddings of \(shard.model ?? "an unnamed model") (dimension \(shard.dim)), "
                                    + "but \(index[0]) holds \(shards[0].model ?? "an unnamed model") (dimension \(shards[0].dim))", at: nil)
        }
        let encoder = QueryEncoder(indexModel: shards[0].model, indexDimension: shards[0].dim,
                                   explicitModel: model, prefix: prefix)
        let opened = monotonicSeconds()
        let lines = LineReader(paths: inputs)
        var pending: [(bytes: [UInt8], location: InputLocation)] = []
        var answered = 0
        while true {
            let line = try lines.nextLine()
            if let line { pending.append((Array(line), lines.location)) }
            if pending.count == batch || (line == nil && !pending.isEmpty) {
                let queries = try parse(pending)
                try answer(queries, shards, encoder, options)
                answered += queries.count
                pending.removeAll(keepingCapacity: true)
            }
            if line == nil { break }
        }
        if common.progress {
            let seconds = monotonicSeconds() - opened
            diagnostics.note("\(answered) queries in \(seconds) s (\(Double(answered) / max(seconds, 1e-9)) queries/s, "
                             + "after opening the index)")
        }
    }

    /// The batch's lines as queries, parsed on all threads; the first bad line (in input order)
    /// is the error.
    private func parse(_ lines: [(bytes: [UInt8], location: InputLocation)]) throws(ToolError) -> [Query] {
        var parsed = [Result<Query?, ToolError>](repeating: .success(nil), count: lines.count)
        let bytesPerLine = lines.reduce(0) { $0 + $1.bytes.count } / max(lines.count, 1)
        let defaultK = k
        parsed.withUnsafeMutableBufferPointer { out in
            Threads.forEachChunk(of: lines.count, elementsPerItem: bytesPerLine) { range in
                for i in range {
                    out[i] = Result { () throws(ToolError) -> Query? in
                        try lines[i].bytes.withUnsafeBufferPointer { (line) throws(ToolError) -> Query? in
                            try Query(line: line, defaultK: defaultK, at: lines[i].location)
                        }
                    }
                }
            }
        }
        var queries: [Query] = []
        for result in parsed { if let query = try result.get() { queries.append(query) } }
        return queries
    }

    private func answer(_ batch: [Query], _ shards: [KnowledgeBase], _ encoder: QueryEncoder,
                        _ options: SearchOptions) throws {
        guard !batch.isEmpty else { return }
        var vectors: [Float]?
        if options.mode != .bm25 {
            // The texts without embeddings go through the encoder together: one forward pass per
            // encoder batch, and the whole query matrix then meets the index in one product.
            let toEmbed = batch.indices.filter { batch[$0].embedding == nil }
            let embedded = toEmbed.isEmpty ? [] : try encoder.embed(toEmbed.map { batch[$0].text })
            var embeddingOf: [Int: [Float]] = [:]
            for (q, embedding) in zip(toEmbed, embedded) { embeddingOf[q] = embedding }
            vectors = []
            vectors!.reserveCapacity(batch.count * shards[0].dim)
            for (q, query) in batch.enumerated() {
                if let model = query.model, let indexModel = shards[0].model, !QueryEncoder.sameModel(model, indexModel) {
                    throw ToolError.badData("query embedded with \(model), but the index holds embeddings of \(indexModel)",
                                            at: query.location)
                }
                let embedding = query.embedding ?? embeddingOf[q]!
                guard embedding.count == shards[0].dim else {
                    throw ToolError.badData("query embedding has dimension \(embedding.count), expected \(shards[0].dim)",
                                            at: query.location)
                }
                vectors! += embedding
            }
        }
        let texts = batch.map(\.text), ks = batch.map(\.k)
        let perShard = try shards.map { shard in
            try mapped { () throws(VectorIndexError) in try shard.search(queryVectors: vectors, texts: texts, ks: ks, options: options) }
        }
        // Each answer is formatted on some thread, then all are written in order.
        var lines = [[UInt8]](repeating: [], count: batch.count)
        lines.withUnsafeMutableBufferPointer { out in
            Threads.forEachChunk(of: batch.count, elementsPerItem: 1 << 12) { range in
                for q in range {
                    let merged = KnowledgeBase.merge(perShard.map { $0[q] }, k: batch[q].k)
                    var record = batch[q].record
                    record["hits"] = .array(merged.map { .object(shards[$0.shard].hitRecord($0.hit)) })
                    record.write(to: &out[q])
                }
            }
        }
        for line in lines {
            try OutputWriter.standardOutput.write(line)
            try OutputWriter.standardOutput.endRecord()
        }
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Runs a library call, turning its error into the tool's: bad input data (exit 65), or a file
/// that cannot be opened (exit 1).
func mapped<T>(_ body: () throws(VectorIndexError) -> T) throws(ToolError) -> T {
    do {
        return try body()
    } catch {
        if case .cannotOpen = error { throw .failure(error.description) }
        throw .badData(error.description, at: nil)
    }
}
