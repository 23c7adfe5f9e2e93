import Chunking
import Foundation
import LoragBasics
import Testing
import Tokenizers

/// Issue 3's acceptance checks, on the real documentation trees (python3-doc, nodejs-doc; `make
/// setup` installs them) with the real all-MiniLM-L6-v2 tokenizer: every file chunked without
/// error, no chunk over the default limit (re-tokenised here), each chunk's text exactly its
/// `start..<end` slice of the extracted text (re-extracted here), no page chrome, unique ids, and
/// the same bytes from two runs.
@Suite(.serialized) struct ChunkAcceptanceTests {
    struct Tree: Sendable, CustomStringConvertible {
        let root: String
        /// Sphinx's `_sources`/`_static` hold reStructuredText and assets, not pages.
        let globs: [String]
        var description: String { root }
    }

    static let trees = [
        Tree(root: "/usr/share/doc/python3.11/html", globs: ["!_sources/**", "!_static/**"]),
        Tree(root: "/usr/share/doc/nodejs/api", globs: []),
    ]

    /// all-MiniLM-L6-v2: max_seq_length 256 less [CLS] and [SEP].
    static let defaultLimit = 254

    @Test(arguments: trees)
    func everyFileIsChunkedWithinTheTokenLimit(tree: Tree) throws {
        let model = try ChunkFiles.embeddingModel()
        try #require(FileManager.default.fileExists(atPath: tree.root),
                     "\(tree.root) is missing: run `make setup` (apt-get install python3-doc nodejs-doc)")
        let arguments = ["--model", model, "--overlap", "16", "--min-tokens", "24"]
            + tree.globs.flatMap { ["--glob", $0] } + [tree.root]
        let first = try ProgramRunner.run("chunk", arguments)
        #expect(first.status == 0)
        #expect(first.stderr.isEmpty, "every file is chunked without a warning: \(first.stderr.prefix(2000))")
        let second = try ProgramRunner.run("chunk", ["--threads", "1"] + arguments)
        #expect(second.stdout == first.stdout, "two runs give the same bytes")

        let records = try ChunkFiles.records(first.stdout)
        let ids = records.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == records.count && Set(ids).count == ids.count, "ids are unique")

        let tokenizer = try WordPieceTokenizer.load(folder: URL(fileURLWithPath: model))
        #expect(tokenizer.maxLength - 2 == Self.defaultLimit)
        let byDocument = Dictionary(grouping: records) { $0["source"]?.stringValue ?? "" }
        let files = try FileCollector(globs: tree.globs.map(Glob.init)).collect(tree.root).files
        if tree.root.contains("python") { #expect(files.count >= 530) }

        // Checked on both cores; each document's findings are collected and reported in order.
        let findings = UnsafeMutableBufferPointer<[String]>.allocate(capacity: files.count)
        findings.initialize(repeating: [])
        let largest = UnsafeMutableBufferPointer<Int>.allocate(capacity: files.count)
        largest.initialize(repeating: 0)
        defer { findings.deallocate(); largest.deallocate() }
        nonisolated(unsafe) let findingsOut = findings, largestOut = largest
        DispatchQueue.concurrentPerform(iterations: files.count) { n in
            let file = files[n]
            let (problems, maxTokens) = Self.check(byDocument[file.path] ?? [], of: file, tokenizer: tokenizer)
            findingsOut[n] = problems
            largestOut[n] = maxTokens
        }
        let problems = findings.flatMap { $0 }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
        // The default limit is the model's, not something smaller: some chunks come close to it.
        #expect(largest.max() ?? 0 > Self.defaultLimit - 30)
        #expect(Set(byDocument.keys).isSubset(of: Set(files.map(\.path))))
    }

    /// The problems with one document's chunks, and its largest chunk in tokens.
    static func check(_ records: [JSONObject], of file: InputFile, tokenizer: WordPieceTokenizer) -> ([String], Int) {
        let document: ExtractedDocument
        do {
            document = try DocumentReader().read(path: file.path, format: file.format, source: file.path)
        } catch {
            return (["\(file.path): re-extraction failed: \(error)"], 0)
        }
        var problems: [String] = []
        if records.isEmpty && !document.blocks.isEmpty { problems.append("\(file.path): no chunks") }
        let scalars = Array(document.text.unicodeScalars)
        var largest = 0
        for (n, record) in records.enumerated() {
            guard let text = record["text"]?.stringValue, let start = record["start"]?.intValue,
                  let end = record["end"]?.intValue, record["id"]?.stringValue == "\(file.docID)#\(n)",
                  record["doc_id"]?.stringValue == file.docID
            else {
                problems.append("\(file.path): malformed record \(n)")
                continue
            }
            guard 0 <= start, start < end, end <= scalars.count,
                  String(String.UnicodeScalarView(scalars[start..<end])) == text
            else {
                problems.append("\(file.path)#\(n): text is not the slice \(start)..<\(end) of the extracted text")
                continue
            }
            let tokens = tokenizer.count(text)
            largest = max(largest, tokens)
            if tokens > defaultLimit { problems.append("\(file.path)#\(n): \(tokens) tokens, over \(defaultLimit)") }
            if text.allSatisfy(\.isWhitespace) { problems.append("\(file.path)#\(n): blank chunk") }
            // Sphinx's related bar, sidebar and footer; Node's header, picker and template residue.
            for marker in ["Previous topic", "Show Source", "Quick search", "Found a bug?", "Theme Auto Light Dark",
                           "__JS_FLAVORED", "View on single page", "Toggle dark mode", "{display:"]
            where text.contains(marker) {
                problems.append("\(file.path)#\(n): page chrome \"\(marker)\"")
            }
        }
        return (problems, largest)
    }

    /// `chunk … | head -1` ends quietly with status 0 once head has gone.
    @Test func aClosedPipeEndsQuietly() throws {
        let chunk = ProgramRunner.productsDirectory.appendingPathComponent("chunk").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // Enough output to outlast the pipe's and the writer's buffers many times over.
        process.arguments = ["-c", #""$0" --max-chars 200 "$1" | head -1 >/dev/null; echo "${PIPESTATUS[0]}""#,
                             chunk, Self.trees[1].root]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let status = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: status, as: UTF8.self) == "0\n")
        #expect(stderr.isEmpty, "\(String(decoding: stderr, as: UTF8.self))")
    }
}
