import ArgumentParser
import ToolSupport

@main
struct Index: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update a single-file knowledge base from embedded JSONL records.")

    @Argument(help: "JSONL files of embedded records (default: stdin).")
    var inputs: [String] = []

    @Option(name: .long, help: "Update this index file in place (atomically) instead of writing to stdout.")
    var into: String?

    @Flag(name: .long, help: "Remove ids that are absent from the input (a full re-sync).")
    var prune = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "index", issue: 5)
    }
}
