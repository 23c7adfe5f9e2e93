import ArgumentParser
import Foundation
import LoragBasics
import Models
import TensorCore
import ToolSupport

@main
struct Embed: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Add a sentence embedding to each JSONL record read on stdin.",
        discussion: """
            Each record gets "embedding" (a JSON array of floats, or base64 of little-endian \
            float32 with --encoding base64) and "embedding_model" ("<name>@sha256:<16 hex>"); \
            every other field passes through untouched. With --format npy, stdout is one [N, D] \
            float32 NumPy array instead: N is known only at the end, so the rows are spooled to an \
            unlinked temporary file ($TMPDIR) and copied out after the header.
            """)

    @Argument(help: "JSONL files to read (default: stdin).")
    var inputs: [String] = []

    @Option(name: .long, help: "Sentence-transformers model folder (default: $LORAG_EMBED_MODEL or models/all-MiniLM-L6-v2).")
    var model: String?

    @Option(name: .long, help: "Output encoding of the embedding: json or base64.")
    var encoding: String = "json"

    @Option(name: .long, help: "Output format: jsonl, or npy (one [N, D] float32 array on stdout).")
    var format: String = "jsonl"

    @Option(name: .long, help: "With --format npy: write each record's id, one JSON value per line, to this file.")
    var ids: String?

    @Option(name: .long, help: "The record field holding the text.")
    var field: String = "text"

    @Option(name: .long, help: "Text put before every input, e.g. \"query: \" or \"passage: \" for e5 models.")
    var prefix: String = ""

    @Option(name: .long, help: "Texts per forward pass.")
    var batchSize: Int = 32

    @Option(name: .customLong("on-truncate"), help: "A text longer than the model's limit: warn, error or ignore.")
    var onTruncate: String = "warn"

    @Flag(name: .long, help: "Skip records that are not JSON or have no text, and report how many.")
    var skipBad = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard EmbeddingEncoding(rawValue: encoding) != nil else {
            throw ValidationError("--encoding must be json or base64, got \(encoding)")
        }
        guard format == "jsonl" || format == "npy" else {
            throw ValidationError("--format must be jsonl or npy, got \(format)")
        }
        guard TruncationPolicy(rawValue: onTruncate) != nil else {
            throw ValidationError("--on-truncate must be warn, error or ignore, got \(onTruncate)")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if ids != nil && format != "npy" { throw ValidationError("--ids goes with --format npy") }
    }

    func run() throws {
        if let threads = common.threads { Threads.set(threads) }
        // The encoder splits its work across our threads and runs OpenBLAS on one
        // (BertLayer.swift); the pool OpenBLAS started when it loaded would only spin.
        Threads.stopIdleBLASWorkers()
        let path = try ModelLocator.embedding.resolve(explicit: model)
        let embedder: SentenceEmbedder
        do {
            embedder = try SentenceEmbedder(folder: path)
        } catch {
            throw ToolError.failure("cannot load the embedding model: \(error)")
        }
        let options = EmbeddingOptions(batchSize: batchSize, field: field, prefix: prefix,
                                       truncation: TruncationPolicy(rawValue: onTruncate)!)
        let pipeline = EmbeddingPipeline(embedder: embedder, options: options)
        let reader = JSONLReader(paths: inputs)
        let output = OutputWriter.standardOutput
        let sink: EmbeddingSink = format == "npy"
            ? try NpySink(output: output, dimension: embedder.dimension, idsPath: ids)
            : JSONLSink(output: output, format: EmbeddingRecordFormat(encoding: EmbeddingEncoding(rawValue: encoding)!,
                                                                      modelIdentity: embedder.identity))
        let progress = self.progress(unit: "records")
        var unreadable = 0
        let summary = try pipeline.run(
            next: {
                while true {
                    do {
                        return try reader.next()
                    } catch let ToolError.badData(message, location) where skipBad {
                        diagnostics.warning("skipped: \(message)", at: location)
                        unreadable += 1
                    }
                }
            },
            onBadRecord: { error in
                guard skipBad else { throw ToolError.badData(error.description, at: reader.location) }
                diagnostics.warning("skipped: \(error)", at: reader.location)
            },
            emit: sink.write,
            progress: { progress.update($0.records) })
        try sink.finish(count: summary.records)
        progress.finish(summary.records)
        if summary.truncated > 0 && options.truncation == .warn {
            diagnostics.warning("\(summary.truncated) of \(summary.records) texts were longer than "
                                + "\(embedder.maxTokens) tokens and were truncated")
        }
        if summary.skipped + unreadable > 0 {
            diagnostics.warning("skipped \(summary.skipped + unreadable) bad records")
        }
    }
}
