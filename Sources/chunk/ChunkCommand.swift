import ArgumentParser
import Chunking
import Foundation
import LoragBasics
import Tokenizers
import ToolSupport

@main
struct ChunkCommand: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Split documents (text, Markdown, HTML, XML) into retrievable chunks, as JSONL on stdout.",
        discussion: """
        Reads the files and directories named as arguments (recursing; .txt .md .markdown .html \
        .htm .xhtml .xml, optionally .gz; hidden entries skipped), the NUL-separated paths of \
        --files0-from, documents as JSONL on stdin ({"id", "text", "source"?, "title"?, "meta"?}) \
        when no path is given, or plain text on stdin with "-".

        Writes one record per chunk: {"id", "doc_id", "source", "title", "section", "text", \
        "start", "end", "hash", "meta", ...}. doc_id is the path relative to a directory \
        argument, the path as given for a file argument (as ripgrep prints it), the "id" of a \
        JSONL document, or "<stdin>" for "-". Other fields of a JSONL document are passed through.

        A file that cannot be chunked (binary, unreadable, invalid UTF-8 without --lossy, XML \
        that is not well-formed) is reported and skipped, and chunk exits with status 65 at the \
        end; with --strict it stops there.
        """)

    @Argument(help: "Files and directories to read; \"-\" for plain text on stdin.")
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Choose files under directories by glob (repeatable; \"!\" excludes), as ripgrep's --glob.",
        valueName: "glob"))
    var glob: [String] = []

    @Option(name: .customLong("files0-from"), help: ArgumentHelp(
        "Read NUL-separated paths from this file (\"-\" for stdin), e.g. from `find -print0`.",
        valueName: "file"))
    var files0From: String?

    @Option(name: .long, help: "Largest chunk, in tokens of the embedding model's tokenizer (default: the model's maximum sequence length minus [CLS] and [SEP], 254 for all-MiniLM-L6-v2).")
    var maxTokens: Int?

    @Option(name: .long, help: "Largest chunk, in characters (Unicode scalars) instead of tokens; no model is needed.")
    var maxChars: Int?

    @Option(name: .long, help: "Overlap between neighbouring chunks of a section, in the unit of the size.")
    var overlap: Int = 0

    @Option(name: .long, help: "Merge pieces smaller than this (in tokens) with a neighbour when the result fits.")
    var minTokens: Int?

    @Option(name: .long, help: "Merge pieces smaller than this (in characters) with a neighbour when the result fits; with --max-chars.")
    var minChars: Int?

    @Option(name: .long, help: "Embedding model folder whose tokenizer counts tokens (default: $LORAG_EMBED_MODEL, then models/all-MiniLM-L6-v2).")
    var model: String?

    @Flag(name: .long, help: "Replace invalid UTF-8 with U+FFFD instead of skipping the file.")
    var lossy = false

    @Flag(name: .long, help: "Stop at the first file that cannot be chunked (exit 65) instead of skipping it.")
    var strict = false

    @Flag(name: .long, help: "Print a summary on stderr: documents, chunks, their total size, skipped files and why.")
    var stats = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if maxTokens != nil && maxChars != nil {
            throw ValidationError("--max-tokens and --max-chars are exclusive; give one")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens)") }
        if let maxChars, maxChars < 1 { throw ValidationError("--max-chars must be at least 1, got \(maxChars)") }
        if maxChars != nil && minTokens != nil {
            throw ValidationError("--min-tokens goes with token sizes; with --max-chars use --min-chars")
        }
        if maxChars == nil && minChars != nil {
            throw ValidationError("--min-chars goes with --max-chars; with token sizes use --min-tokens")
        }
        if overlap < 0 { throw ValidationError("--overlap must be at least 0, got \(overlap)") }
        if let size = maxTokens ?? maxChars, overlap >= size {
            throw ValidationError("--overlap (\(overlap)) must be below the largest chunk size (\(size))")
        }
        if files0From == "-" && paths.contains("-") {
            throw ValidationError("stdin cannot hold both --files0-from paths and \"-\" text")
        }
        if model != nil && maxChars != nil {
            throw ValidationError("--model counts tokens; it has no use with --max-chars")
        }
    }

    func run() throws {
        let diagnostics = self.diagnostics
        let threads = common.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let worker = DocumentChunker(reader: DocumentReader(lossy: lossy), chunker: Chunker(options: try chunkingOptions()))
        let output = OutputWriter.standardOutput
        var summary = ChunkSummary()

        var arguments = paths
        if let files0From { arguments += try WholeInput.paths0(from: files0From) }

        if arguments.isEmpty {
            // JSONL documents on stdin. A malformed line stops the run, as in every lorag program.
            let input = JSONLReader(paths: [])
            let measure = stats
            var batch: [(record: JSONObject, location: InputLocation)] = []
            var more = true
            while more {
                // A line that is not JSON ends the run, after the documents read before it.
                var readError: ToolError?
                batch.removeAll(keepingCapacity: true)
                do {
                    while batch.count < threads * 64, let record = try input.next() { batch.append((record, input.location)) }
                } catch {
                    readError = error
                }
                more = !batch.isEmpty
                try DocumentChunker.inOrder(batch, threads: threads, work: { try worker.chunk(record: $0.record, measure: measure) }) { item, outcome in
                    let result: DocumentChunker.Output
                    do {
                        result = try outcome.get()
                    } catch {
                        throw ToolError.badData("\(error)", at: item.location)
                    }
                    if let earlier = summary.use(docID: result.docID, source: "line \(item.location.line)") {
                        throw ToolError.badData("id \"\(result.docID)\" was already used at \(earlier); chunk ids would collide",
                                                at: item.location)
                    }
                    try summary.add(result, to: output)
                }
                if let readError { throw readError }
            }
        } else {
            let collector = FileCollector(globs: glob.map(Glob.init))
            for argument in arguments {
                if argument == "-" {
                    let bytes = try WholeInput.standardInput()
                    try handle(source: "<stdin>", summary: &summary, diagnostics: diagnostics) {
                        try worker.chunk(text: bytes, docID: "<stdin>", source: "<stdin>", measure: stats)
                    }
                    continue
                }
                let found: (files: [InputFile], skipped: [(path: String, reason: String)])
                do {
                    found = try collector.collect(argument)
                } catch {
                    try skip(argument, because: error, summary: &summary, diagnostics: diagnostics)
                    continue
                }
                for entry in found.skipped {
                    try skip(entry.path, because: ChunkingError.unreadable(source: entry.path, reason: entry.reason),
                             summary: &summary, diagnostics: diagnostics)
                }
                try worker.chunk(files: found.files, threads: threads, measure: stats) { file, result in
                    try handle(source: file.path, summary: &summary, diagnostics: diagnostics) { try result.get() }
                }
            }
        }

        if stats { summary.print(unit: maxChars == nil ? "tokens" : "characters", diagnostics: diagnostics) }
        if !summary.skipped.isEmpty {
            try output.flush()
            throw ExitCode(65)
        }
    }

    /// Chunks one document, or reports and skips it.
    private func handle(source: String, summary: inout ChunkSummary, diagnostics: Diagnostics,
                        _ body: () throws -> DocumentChunker.Output) throws {
        let result: DocumentChunker.Output
        do {
            result = try body()
        } catch {
            try skip(source, because: error, summary: &summary, diagnostics: diagnostics)
            return
        }
        // Two directory arguments can hold the same relative path; the second would overwrite
        // the first in an index, so it is refused rather than silently merged.
        if let earlier = summary.use(docID: result.docID, source: result.source) {
            let message = "\(result.source): doc_id \"\(result.docID)\" is already used by \(earlier); chunk the directories in separate runs or from a common parent"
            try skip(source, because: ToolError.badData(message, at: nil), summary: &summary, diagnostics: diagnostics)
            return
        }
        try summary.add(result, to: OutputWriter.standardOutput)
    }

    private func skip(_ path: String, because error: Error, summary: inout ChunkSummary, diagnostics: Diagnostics) throws {
        let message: String
        switch error {
        case let error as ChunkingError: message = error.description
        case let error as ToolError: message = error.description
        default: message = "\(path): \(error)"
        }
        if strict { throw ToolError.badData(message, at: nil) }
        diagnostics.warning(message)
        summary.skipped.append(message)
    }

    private func chunkingOptions() throws -> ChunkingOptions {
        do {
            if let maxChars {
                return try ChunkingOptions(unit: .characters, maxSize: maxChars, overlap: overlap, minSize: minChars ?? 0)
            }
            let folder = try ModelLocator.embedding.resolve(explicit: model)
            let tokenizer: WordPieceTokenizer
            do {
                tokenizer = try WordPieceTokenizer.load(folder: URL(fileURLWithPath: folder))
            } catch {
                throw ToolError.failure("\(folder): cannot load the tokenizer: \(error)")
            }
            // The model's own limit: its maximum sequence length less [CLS] and [SEP].
            let limit = maxTokens ?? (tokenizer.maxLength - 2)
            return try ChunkingOptions(unit: .tokens(WordPieceTokenCounter(tokenizer: tokenizer)), maxSize: limit,
                                       overlap: overlap, minSize: minTokens ?? 0)
        } catch let error as ChunkingError {
            throw ToolError.usage(error.description)
        }
    }
}
