import ArgumentParser
import ToolSupport

@main
struct Chunk: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "chunk",
        abstract: "Split documents (text, Markdown, HTML, XML) into retrievable chunks, as JSONL on stdout.",
        discussion: """
        Reads the files and directories named as arguments (recursing, by extension), documents as \
        JSONL on stdin ({"id", "text", "source"?, "meta"?}), or plain text on stdin with "-".
        """)

    @Argument(help: "Files and directories to read; \"-\" for plain text on stdin.")
    var paths: [String] = []

    @Option(name: .long, help: "Largest chunk, in tokens of the embedding model's tokenizer.")
    var maxTokens: Int?

    @Option(name: .long, help: "Largest chunk, in characters (instead of tokens).")
    var maxChars: Int?

    @Option(name: .long, help: "Overlap between neighbouring chunks, in the same unit as the size.")
    var overlap: Int = 0

    @Option(name: .long, help: "Embedding model folder whose tokenizer counts tokens.")
    var model: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "chunk", issue: 3)
    }
}
