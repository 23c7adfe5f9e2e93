import Chunking
import ToolSupport

/// What `--stats` reports, and whether any file was skipped (exit 65).
struct ChunkSummary {
    var documents = 0
    var chunks = 0
    var size = 0
    var skipped: [String] = []
    /// The source each doc_id came from.
    var sources: [String: String] = [:]

    /// Records that `docID` comes from `source`; returns the earlier source if it was taken.
    mutating func use(docID: String, source: String) -> String? {
        if let earlier = sources[docID] { return earlier }
        sources[docID] = source
        return nil
    }

    mutating func add(_ result: DocumentChunker.Output, to output: OutputWriter) throws {
        documents += 1
        chunks += result.records.count
        size += result.size
        for record in result.records { try output.writeRecord(record) }
    }

    func print(unit: String, diagnostics: Diagnostics) {
        diagnostics.note("\(documents) documents, \(chunks) chunks, \(size) \(unit), \(skipped.count) skipped")
        for reason in skipped { diagnostics.note("skipped: \(reason)") }
    }
}
