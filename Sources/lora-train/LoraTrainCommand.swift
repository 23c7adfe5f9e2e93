import ArgumentParser
import ToolSupport

@main
struct LoraTrain: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "lora-train",
        abstract: "Train a LoRA adapter on JSONL examples and write a PEFT-compatible adapter folder.")

    @Option(name: .long, help: "Training examples: {prompt, completion}, {messages} or {text} per line.")
    var data: String?

    @Option(name: .long, help: "Adapter folder to write.")
    var out: String?

    @Option(name: .long, help: "LoRA rank.")
    var rank: Int = 8

    @Option(name: .long, help: "LoRA alpha (scale = alpha / rank).")
    var alpha: Double = 16

    @OptionGroup var common: CommonOptions

    func run() throws {
        throw NotYetImplemented(program: "lora-train", issue: nil)
    }
}
