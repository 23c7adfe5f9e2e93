import Chunking
import Testing

/// The acceptance corpus: Python's HTML documentation (Debian python3-doc, 530 files) and the
/// Node.js API documentation (nodejs-doc: .html, and .md mostly gzip-compressed). Every file
/// must be read and chunked without error, within the limit, with exact offsets, unique ids,
/// no page chrome, and the same result twice.
@Suite struct SystemDocumentationTests {
    static let trees = ["/usr/share/doc/python3.11/html", "/usr/share/doc/nodejs/api"]

    /// Sphinx's `_sources`/`_static` folders hold reStructuredText and assets, not pages.
    static func documents(under root: String) throws -> [InputFile] {
        do {
            return try FileCollector(globs: [Glob("!_sources/**"), Glob("!_static/**")]).collect(root).files
        } catch {
            Issue.record("\(error): install the documentation with `apt-get install python3-doc nodejs-doc`")
            return []
        }
    }

    /// Words, and each punctuation mark, count as tokens: the shape of BERT's pre-tokenizer,
    /// which is what makes the token path (sums, bisection) work differently from characters.
    @Test(arguments: trees)
    func everyFileChunksWithinTheLimit(root: String) throws {
        let files = try Self.documents(under: root)
        if root.contains("python") { #expect(files.count >= 530) }
        let reader = DocumentReader()
        let byTokens = Chunker(options: try ChunkingOptions(unit: .tokens(WordsAndPunctuation()),
                                                           maxSize: 254, overlap: 16, minSize: 32))
        // The oracle for the sums: every size counted on its exact text.
        let byExactTokens = Chunker(options: try ChunkingOptions(unit: .tokens(Exact(counter: WordsAndPunctuation())),
                                                                maxSize: 254, overlap: 16, minSize: 32))
        let byChars = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 1000, minSize: 100))
        var chunkCount = 0
        for file in files {
            let document = try reader.read(path: file.path, format: file.format, source: file.docID)
            #expect(byTokens.chunks(of: document, docID: file.docID) == byExactTokens.chunks(of: document, docID: file.docID),
                    "\(file.docID): sums of token counts chunk as exact counts do")
            for chunker in [byTokens, byChars] {
                let chunks = chunker.chunks(of: document, docID: file.docID)
                let max = chunker.options.maxSize
                switch chunker.options.unit {
                case .characters: checkInvariants(chunks, of: document, max: max) { $0.unicodeScalars.count }
                case .tokens: checkInvariants(chunks, of: document, max: max, size: countWordsAndPunctuation)
                }
                chunkCount += chunks.count
            }
            // Sphinx's related bar, sidebar and footer; Node's header, picker and template residue.
            // ("Last updated on: <date>" is content of download.html; the footer has no colon.)
            for marker in ["Previous topic", "Next topic", "Show Source", "Quick search", "Last updated on O",
                           "Found a bug?", "Theme Auto Light Dark", "__JS_FLAVORED", "View on single page",
                           "Toggle dark mode", "{display:"] {
                #expect(!document.text.contains(marker), "\(file.docID) contains page chrome \"\(marker)\"")
            }
        }
        #expect(chunkCount > files.count)
    }

    @Test func chunkingIsDeterministic() throws {
        let root = Self.trees[0]
        let reader = DocumentReader()
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 800, overlap: 50, minSize: 80))
        for file in ["library/os.html", "library/functions.html", "tutorial/index.html"] {
            let first = chunker.chunks(of: try reader.read(path: root + "/" + file, format: .html, source: file), docID: file)
            let second = chunker.chunks(of: try reader.read(path: root + "/" + file, format: .html, source: file), docID: file)
            #expect(first == second)
            #expect(!first.isEmpty)
        }
    }
}
