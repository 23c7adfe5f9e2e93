import LoragBasics

/// One document in, its chunk records out: the whole of `chunk`'s work for a file, a JSONL
/// document or plain text, so that the executable only parses flags and moves bytes.
public struct DocumentChunker: Sendable {
    public let reader: DocumentReader
    public let chunker: Chunker

    public init(reader: DocumentReader, chunker: Chunker) {
        self.reader = reader
        self.chunker = chunker
    }

    /// The chunks of one document with their records, and the document's total size in the
    /// chunker's unit when `measure` is set (for `--stats`; tokenising every chunk again costs
    /// about as much as chunking).
    public struct Output: Sendable {
        public var docID: String
        public var source: String
        public var records: [JSONObject]
        /// The sum of the chunks' sizes (tokens or characters); 0 unless measured.
        public var size: Int
    }

    /// Reads, extracts and chunks a file. `source` in the records is the path read.
    public func chunk(file: InputFile, measure: Bool = false) throws -> Output {
        let document = try reader.read(path: file.path, format: file.format, source: file.path)
        return output(document, docID: file.docID, source: file.path, meta: .object(document.metaObject),
                      passthrough: JSONObject(), measure: measure)
    }

    /// Chunks `files` on `threads` threads and hands each file's outcome to `deliver` in the
    /// order of `files`, so the output is the same whatever the thread count.
    public func chunk(files: [InputFile], threads: Int, measure: Bool = false,
                      deliver: (InputFile, Result<Output, any Error>) throws -> Void) rethrows {
        try Self.inOrder(files, threads: threads, work: { file in try chunk(file: file, measure: measure) },
                         deliver: deliver)
    }

    /// Runs `work` on each item on `threads` threads and hands the outcomes to `deliver` in the
    /// order of `items`. Items are taken in windows of a few per thread: memory stays bounded,
    /// and a `deliver` that throws (a closed pipe, `--strict`) stops the run at the end of the
    /// current window.
    public static func inOrder<Item: Sendable>(_ items: [Item], threads: Int,
                                               work: @Sendable (Item) throws -> Output,
                                               deliver: (Item, Result<Output, any Error>) throws -> Void) rethrows {
        precondition(threads >= 1, "at least one thread")
        guard threads > 1 else {
            for item in items { try deliver(item, Result { try work(item) }) }
            return
        }
        let window = threads * 8
        let results = UnsafeMutableBufferPointer<Result<Output, any Error>?>.allocate(capacity: window)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        var first = 0
        while first < items.count {
            let batch = items[first..<min(first + window, items.count)]
            // Each slot is written by one worker only and read after all have finished.
            nonisolated(unsafe) let slots = results
            Parallel.forEachItem(batch.count, threads: threads) { n in
                slots[n] = Result { try work(batch[batch.startIndex + n]) }
            }
            for n in 0..<batch.count {
                let result = results[n]!
                results[n] = nil
                try deliver(batch[batch.startIndex + n], result)
            }
            first += batch.count
        }
    }

    /// Chunks plain text (stdin with `-`).
    public func chunk(text bytes: [UInt8], format: DocumentFormat = .text, docID: String, source: String,
                      measure: Bool = false) throws -> Output {
        let document = try reader.read(bytes, format: format, source: source)
        return output(document, docID: docID, source: source, meta: .object(document.metaObject),
                      passthrough: JSONObject(), measure: measure)
    }

    /// Chunks a JSONL document `{"id", "text", "source"?, "title"?, "meta"?, ...}`. The text is
    /// plain text; `id` (a string, or a number taken as its literal) becomes `doc_id`; `source`
    /// defaults to the id; other fields are passed through to every chunk.
    public func chunk(record: JSONObject, measure: Bool = false) throws(ChunkingError) -> Output {
        let docID: String
        switch record["id"] {
        case let .string(s)?: docID = s
        case let .number(n)?: docID = n.text
        case let other?: throw .badRecord(field: "id", expected: "a string or a number", found: other.kindName)
        case nil: throw .badRecord(field: "id", expected: "a string or a number", found: "no such field")
        }
        guard let textValue = record["text"] else {
            throw .badRecord(field: "text", expected: "a string", found: "no such field")
        }
        guard case let .string(text) = textValue else {
            throw .badRecord(field: "text", expected: "a string", found: textValue.kindName)
        }
        var source = docID
        if let value = record["source"] {
            guard case let .string(s) = value else {
                throw .badRecord(field: "source", expected: "a string", found: value.kindName)
            }
            source = s
        }
        var document = PlainTextReader.extract(text)
        if let value = record["title"] {
            switch value {
            case let .string(s): document.title = s
            case .null: break
            default: throw .badRecord(field: "title", expected: "a string", found: value.kindName)
            }
        }
        return output(document, docID: docID, source: source, meta: record["meta"] ?? .object(JSONObject()),
                      passthrough: record, measure: measure)
    }

    private func output(_ document: ExtractedDocument, docID: String, source: String, meta: JSONValue,
                        passthrough: JSONObject, measure: Bool) -> Output {
        let chunks = chunker.chunks(of: document, docID: docID)
        var size = 0
        if measure {
            for chunk in chunks { size += chunker.options.size(of: Substring(chunk.text)) }
        }
        return Output(docID: docID, source: source, records: chunks.map { $0.record(source: source, meta: meta, passthrough: passthrough) },
                      size: size)
    }
}
