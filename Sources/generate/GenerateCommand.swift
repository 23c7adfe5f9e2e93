import ArgumentParser
import ToolSupport

@main
struct Generate: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a Llama-family model from prompts, chats or retrieved hits.")

    @Argument(help: "Prompt files (default: stdin).")
    var inputs: [String] = []

    @Option(name: .long, help: "GGUF file or Hugging Face folder (default: $LORAG_GENERATE_MODEL or models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Option(name: .long, help: "LoRA adapter PATH[:SCALE]; repeatable.")
    var lora: [String] = []

    @Option(name: .long, help: "Sampling temperature (0 = greedy).")
    var temperature: Double = 0

    @Option(name: .long, help: "Largest number of tokens to generate.")
    var maxTokens: Int = 256

    @Option(name: .long, help: "Random seed for sampling.")
    var seed: UInt64 = 0

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "generate", issue: 6)
    }
}
