// From a stream of records to a stream of embeddings, in bounded memory.
//
// Records are read a window at a time; inside the window the texts are sorted by token count
// so that each batch holds texts of similar length (as sentence-transformers sorts its input),
// every batch runs through the encoder packed without padding, and the embeddings go out in
// input order. Memory is the window's records plus scratch sized once for the largest batch,
// whatever the length of the input.

import LoragBasics
import TensorCore
import Tokenizers

/// What to do with a text longer than the model's limit.
public enum TruncationPolicy: String, Sendable, CaseIterable {
    /// Embed its first tokens and count it in the summary (sentence-transformers' behaviour).
    case warn
    /// Treat it as a bad record.
    case error
    /// Embed its first tokens and say nothing.
    case ignore
}

/// Settings of an embedding run.
public struct EmbeddingOptions: Sendable {
    /// Texts per encoder call.
    public var batchSize: Int
    /// Records held at once; sorting by length happens inside a window.
    public var windowSize: Int
    /// The record member holding the text.
    public var field: String
    /// Prepended to every text before tokenising (e5's "query: ", "passage: ").
    public var prefix: String
    public var truncation: TruncationPolicy

    public init(batchSize: Int = 32, windowSize: Int = 512, field: String = "text", prefix: String = "",
                truncation: TruncationPolicy = .warn) {
        precondition(batchSize >= 1 && windowSize >= 1, "batch size \(batchSize), window \(windowSize)")
        self.batchSize = batchSize
        self.windowSize = windowSize
        self.field = field
        self.prefix = prefix
        self.truncation = truncation
    }
}

/// Counts of a run, for the closing message on stderr.
public struct EmbeddingSummary: Sendable, Equatable {
    /// Records embedded and emitted.
    public var records = 0
    /// Tokens run through the encoder, `[CLS]`/`[SEP]` included.
    public var tokens = 0
    /// Texts cut to the model's limit.
    public var truncated = 0
    /// Records handed to `onBadRecord` (and not thrown from it).
    public var skipped = 0
    public init() {}
}

/// Embeds records with one model, batch by batch.
public final class EmbeddingPipeline {
    public let embedder: SentenceEmbedder
    public let options: EmbeddingOptions
    private let state: BertRunState
    private let outputs: Tensor  // (W, D): the embeddings of the current window, in input order

    public init(embedder: SentenceEmbedder, options: EmbeddingOptions) {
        self.embedder = embedder
        self.options = options
        let config = embedder.encoder.configuration
        state = BertRunState(configuration: config, maxTokens: options.batchSize * embedder.maxTokens,
                             maxSequence: embedder.maxTokens)
        outputs = Tensor(rows: options.windowSize, cols: embedder.dimension)
    }

    /// Reads records from `next` until it returns nil and passes each, with its embedding, to
    /// `emit`, in input order.
    ///
    /// - Parameters:
    ///   - next: the next record, or nil at the end. Its errors end the run.
    ///   - onBadRecord: called, right after `next` returned the record, for a record without a
    ///     string in `options.field` or, under `.error`, with a text that is too long. Throw to
    ///     stop the run (the records before it are emitted first); return to skip the record
    ///     (it is counted in `skipped`).
    ///   - emit: receives the record and its embedding (valid only during the call).
    ///   - progress: called after each window with the counts so far.
    public func run(next: () throws -> JSONObject?,
                    onBadRecord: (EmbeddingError) throws -> Void,
                    emit: (JSONObject, UnsafeBufferPointer<Float>) throws -> Void,
                    progress: (EmbeddingSummary) -> Void = { _ in }) throws -> EmbeddingSummary {
        var summary = EmbeddingSummary()
        var records: [JSONObject] = []
        var tokens: [[Int]] = []
        records.reserveCapacity(options.windowSize)
        tokens.reserveCapacity(options.windowSize)
        var finished = false
        // Emits the window read so far: after the last record, or before an error ends the run
        // (so that, as with jq, every record before a bad one still comes out).
        func flush() throws {
            embedWindow(tokens)
            for (i, record) in records.enumerated() {
                try emit(record, UnsafeBufferPointer(start: outputs.row(i), count: embedder.dimension))
            }
            summary.records += records.count
            summary.tokens += tokens.reduce(0) { $0 + $1.count }
            records.removeAll(keepingCapacity: true)
            tokens.removeAll(keepingCapacity: true)
        }
        func reject(_ error: EmbeddingError) throws {
            do {
                try onBadRecord(error)
            } catch {
                try flush()
                throw error
            }
            summary.skipped += 1
        }
        while !finished {
            while records.count < options.windowSize {
                guard let record = try next() else {
                    finished = true
                    break
                }
                guard case let .string(text)? = record[options.field] else {
                    try reject(.badRecord(field: options.field, found: record[options.field]?.kindName ?? "no such field"))
                    continue
                }
                let encoding = embedder.tokenize(options.prefix.isEmpty ? text : options.prefix + text)
                if encoding.truncated {
                    if options.truncation == .error {
                        try reject(.truncated(tokens: encoding.untruncatedCount, limit: embedder.maxTokens))
                        continue
                    }
                    summary.truncated += 1
                }
                records.append(record)
                tokens.append(encoding.ids)
            }
            try flush()
            progress(summary)
        }
        return summary
    }

    /// Embeds `tokens` (at most a window) into the first rows of `outputs`, longest texts first
    /// so that the texts of a batch have similar lengths.
    func embedWindow(_ tokens: [[Int]]) {
        let order = tokens.indices.sorted { tokens[$0].count > tokens[$1].count || (tokens[$0].count == tokens[$1].count && $0 < $1) }
        var start = 0
        while start < order.count {
            let batch = order[start..<min(start + options.batchSize, order.count)]
            let sequences = batch.map { tokens[$0] }
            let hidden = embedder.encoder.forward(sequences, state: state)
            embedder.pool(hidden, lengths: sequences.map(\.count), into: batch.map { outputs.row($0) })
            start += batch.count
        }
    }

    /// Embeds texts directly (no records), for callers such as `retrieve` that hold a few queries.
    /// Returns one `dimension`-float array per text, in order.
    public func embed(_ texts: [String]) -> [[Float]] {
        var result: [[Float]] = []
        var start = 0
        while start < texts.count {
            let window = texts[start..<min(start + options.windowSize, texts.count)]
            embedWindow(window.map { embedder.tokenize(options.prefix + $0).ids })
            for i in 0..<window.count {
                result.append(Array(UnsafeBufferPointer(start: outputs.row(i), count: embedder.dimension)))
            }
            start += window.count
        }
        return result
    }
}
