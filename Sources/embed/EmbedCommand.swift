import ArgumentParser
import ToolSupport

@main
struct Embed: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Add a sentence embedding to each JSONL record read on stdin.")

    @Argument(help: "JSONL files to read (default: stdin).")
    var inputs: [String] = []

    @Option(name: .long, help: "Sentence-transformers model folder (default: $LORAG_EMBED_MODEL or models/all-MiniLM-L6-v2).")
    var model: String?

    @Option(name: .long, help: "Output encoding of the embedding: json or base64.")
    var encoding: String = "json"

    @Option(name: .long, help: "Output format: jsonl, or npy (one [N, D] float32 array on stdout).")
    var format: String = "jsonl"

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "embed", issue: 4)
    }
}
