import ArgumentParser
import LoragBasics
import ToolSupport
import VectorIndex
#if canImport(Glibc)
import Glibc
#endif

@main
struct Index: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update a single-file knowledge base from embedded JSONL records.",
        discussion: """
            Without --into, writes a new index to stdout. With --into FILE, updates FILE in place: \
            records whose id and hash are stored are skipped, changed ones replaced, new ones added; \
            the file is replaced atomically under a lock. With --stats or --export, the arguments \
            are index files to describe or dump. File layout: docs/index-format.md.
            """)

    @Argument(help: "JSONL files of embedded records (default: stdin); index files with --stats/--export.")
    var inputs: [String] = []

    @Option(name: .long, help: "Update this index file in place (atomically) instead of writing to stdout.")
    var into: String?

    @Flag(name: .long, help: "Remove ids that are absent from the input (a full re-sync).")
    var prune = false

    @Option(name: .customLong("delete-ids"), help: "File of ids to delete, one per line.")
    var deleteIDs: String?

    @Flag(name: .long, help: "Print counts, model, dimension and sizes of the index files as JSON.")
    var stats = false

    @Flag(name: .long, help: "Write the records of the index files back as JSONL, with their embeddings.")
    var export = false

    @Flag(name: .long, help: "Wait for another writer's lock instead of failing at once.")
    var wait = false

    @Option(name: .customLong("m"), help: "HNSW links per node (new index only).")
    var m = 32

    @Option(name: .customLong("ef-construction"), help: "HNSW beam width while building (new index only).")
    var efConstruction = 200

    @Flag(name: .customLong("no-stem"), help: "BM25 without Porter stemming (new index only).")
    var noStem = false

    @Flag(name: .customLong("no-stop-words"), help: "BM25 keeps English stop words (new index only).")
    var noStopWords = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if stats && export { throw ValidationError("--stats and --export cannot be combined") }
        if (stats || export) && (into != nil || prune || deleteIDs != nil) {
            throw ValidationError("--stats and --export read index files; they take no --into, --prune or --delete-ids")
        }
        if (stats || export) && inputs.isEmpty { throw ValidationError("--stats and --export need an index file") }
        if m < 2 || efConstruction < 1 { throw ValidationError("--m must be at least 2 and --ef-construction at least 1") }
    }

    func run() throws {
        if stats || export { return try describe() }
        let threads = common.threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let records = try readRecords()
        let deletions = try deleteIDs.map(readIDs) ?? []

        guard let into else {
            let kb = KnowledgeBase(configuration: newConfiguration(threads: threads))
            let summary = try update(kb, records, deletions)
            report(summary, kb)
            try kb.write { try OutputWriter.standardOutput.write($0) }
            return
        }
        // Take the lock before reading the file, so the update starts from the latest version.
        let writer = try AtomicFileWriter(path: into, waitForLock: wait)
        let kb: KnowledgeBase
        if access(into, F_OK) == 0 {
            kb = try mapped { () throws(VectorIndexError) in try KnowledgeBase(contentsOf: into, threads: threads) }
        } else {
            kb = KnowledgeBase(configuration: newConfiguration(threads: threads))
        }
        let summary = try update(kb, records, deletions)
        report(summary, kb)
        guard summary.changed else { return writer.discard() }
        try kb.write { try writer.output.write($0) }
        try writer.commit()
    }

    private func newConfiguration(threads: Int) -> KnowledgeBase.Configuration {
        KnowledgeBase.Configuration(hnsw: HNSWParameters(m: m, efConstruction: efConstruction),
                                    analyzer: TextAnalyzer(stemming: !noStem, stopWords: !noStopWords),
                                    threads: threads)
    }

    private func readRecords() throws -> [EmbeddedRecord] {
        let reader = JSONLReader(paths: inputs)
        var records: [EmbeddedRecord] = []
        while let (record, floats) = try reader.next(floatField: "embedding") {
            let item = reader.location.description
            records.append(try mapped { () throws(VectorIndexError) in
                try EmbeddedRecord(record: record, floats: floats, item: item)
            })
        }
        return records
    }

    private func readIDs(_ path: String) throws -> [String] {
        let lines = LineReader(paths: [path])
        var ids: [String] = []
        while let line = try lines.nextLine() {
            let id = String(decoding: line, as: UTF8.self)
            if !id.isEmpty { ids.append(id) }
        }
        return ids
    }

    private func update(_ kb: KnowledgeBase, _ records: [EmbeddedRecord], _ deletions: [String]) throws -> UpdateSummary {
        try mapped { () throws(VectorIndexError) in try kb.update(with: records, prune: prune, deleteIDs: deletions) }
    }

    private func report(_ summary: UpdateSummary, _ kb: KnowledgeBase) {
        diagnostics.note("\(summary.added) added, \(summary.replaced) replaced, \(summary.skipped) unchanged, "
                         + "\(summary.deleted) deleted; \(kb.count) records"
                         + (summary.changed ? "" : "; nothing to write"))
    }

    private func describe() throws {
        for path in inputs {
            let kb = try mapped { () throws(VectorIndexError) in try KnowledgeBase(contentsOf: path) }
            if stats {
                var object: JSONObject = ["path": .string(path)]
                var info = stat()
                let size = stat(path, &info) == 0 ? Int(info.st_size) : nil
                for member in kb.statistics(fileBytes: size) { object[member.key] = member.value }
                try OutputWriter.standardOutput.writeRecord(object)
            } else {
                for slot in 0..<kb.count { try OutputWriter.standardOutput.writeRecord(kb.exportedRecord(at: slot)) }
            }
        }
    }
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
