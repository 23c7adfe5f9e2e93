import ArgumentParser
import ToolSupport

@main
struct Retrieve: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Answer queries (plain text or JSONL lines) from one or more index files.")

    @Option(name: .long, help: "Index file to search; repeat for shards.")
    var index: [String] = []

    @Option(name: .short, help: "Number of hits per query.")
    var k: Int = 5

    @Option(name: .long, help: "dense, bm25 or hybrid.")
    var mode: String = "dense"

    @Flag(name: .long, help: "Exact dense search instead of the HNSW graph.")
    var exact = false

    @Option(name: .long, help: "Embedding model folder (must match the index).")
    var model: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "retrieve", issue: 5)
    }
}
