import ArgumentParser
import Foundation
import Models
import ModelFiles
import TensorCore
import ToolSupport

@main
struct LoraTrain: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "lora-train",
        abstract: "Train a LoRA adapter on JSONL examples and write a PEFT-compatible adapter folder.",
        discussion: """
            Examples: {"prompt", "completion"}, {"messages": [...]} or {"text"} per line. The loss \
            covers completion / assistant tokens only unless --train-on-prompt. The adapter folder \
            (adapter_config.json + adapter_model.safetensors) loads in PEFT and in generate --lora; \
            OUT/checkpoint holds what --resume needs.
            """)

    @Option(name: .long, help: "Training examples (JSONL).")
    var data: String

    @Option(name: .long, help: "Validation examples (JSONL): their loss is reported with --eval-every.")
    var valid: String?

    @Option(name: .long, help: "Adapter folder to write.")
    var out: String

    @Option(name: .long, help: "GGUF file or Hugging Face folder (default: $LORAG_GENERATE_MODEL or models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Option(name: .long, help: "LoRA rank.")
    var rank: Int = 8

    @Option(name: .long, help: "LoRA alpha (scale = alpha / rank).")
    var alpha: Float = 16

    @Option(name: .long, help: "Projections to adapt, comma-separated PEFT names, or 'all' / 'attention'.")
    var targets: String = "all"

    @Option(name: .long, help: "AdamW learning rate (constant).")
    var lr: Float = 2e-4

    @Option(name: .long, help: "AdamW weight decay.")
    var weightDecay: Float = 0

    @Option(name: .long, help: "Examples per step.")
    var batchSize: Int = 4

    @Option(name: .long, help: "Optimizer steps (overrides --epochs).")
    var steps: Int?

    @Option(name: .long, help: "Passes over the training examples.")
    var epochs: Int = 3

    @Option(name: .long, help: "Start from this adapter (PEFT folder or GGUF LoRA file) instead of PEFT's initialisation.")
    var `init`: String?

    @Option(name: .long, help: "Continue from a checkpoint folder (OUT/checkpoint of an earlier run).")
    var resume: String?

    @Flag(name: .long, help: "Keep the examples in file order.")
    var noShuffle = false

    @Flag(name: .long, help: "Take the loss on prompt and template tokens too.")
    var trainOnPrompt = false

    @Option(name: .long, help: "Cut longer examples to this many tokens.")
    var maxLength: Int = 2048

    @Option(name: .long, help: "Seed of the initialisation and the shuffling.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Per-step metrics as JSONL.")
    var metrics: String?

    @Option(name: .long, help: "Steps between validation losses and checkpoints (default: only at the end).")
    var evalEvery: Int?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if rank < 1 { throw ValidationError("--rank must be at least 1, got \(rank)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let steps, steps < 0 { throw ValidationError("--steps must not be negative, got \(steps)") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if maxLength < 2 { throw ValidationError("--max-length must be at least 2, got \(maxLength)") }
        if !(lr.isFinite && lr >= 0) { throw ValidationError("--lr must be a non-negative number, got \(lr)") }
        if let evalEvery, evalEvery < 1 { throw ValidationError("--eval-every must be at least 1, got \(evalEvery)") }
        if `init` != nil && resume != nil { throw ValidationError("--init and --resume cannot be combined") }
        _ = try targetRoles()
    }

    func targetRoles() throws -> [LlamaWeightRole] {
        switch targets {
        case "all": return LlamaWeightNames.projections
        case "attention": return [.query, .key, .value, .attentionOutput]
        default:
            return try targets.split(separator: ",").map { name in
                guard let role = LlamaWeightNames.projections.first(where: { LlamaWeightNames.peftModule($0) == String(name) }) else {
                    throw ValidationError("--targets: unknown module '\(name)', expected q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, all or attention")
                }
                return role
            }
        }
    }

    func run() throws {
        if let threads = common.threads { Threads.set(threads) }
        let path = try ModelLocator.generation.resolve(explicit: model)
        let llama = try LlamaModel.load(path: path)
        guard let gguf = llama.gguf else {
            throw ValidationError("--model \(path): lora-train tokenises with a GGUF file's tokenizer; give a .gguf model")
        }
        let tokenizer = try GGUFTokenizer.tokenizer(gguf)
        let encoder = TrainingExampleEncoder(tokenizer: tokenizer, template: try GGUFTokenizer.chatTemplate(gguf, tokenizer: tokenizer),
                                             trainOnPrompt: trainOnPrompt, maxLength: maxLength)
        let examples = try encoder.encodeFile(data)
        let validation = try valid.map { try encoder.encodeFile($0) }
        let adapter: TrainableAdapter
        var optimizer = AdamW(settings: AdamWSettings(learningRate: lr, weightDecay: weightDecay))
        if let resume {
            let (loaded, state) = try TrainingCheckpoint.load(resume, model: llama)
            adapter = loaded
            optimizer = AdamW(settings: optimizer.settings, step: state.step)
        } else if let `init` {
            adapter = try PEFTAdapterFolder.load(`init`, for: llama)
        } else {
            adapter = TrainableAdapter(configuration: llama.configuration, rank: rank, alpha: alpha, targets: try targetRoles())
            var generator = SeededGenerator(seed: seed)
            adapter.initialise(using: &generator)
        }
        let schedule = TrainingSchedule(exampleCount: examples.count, batchSize: batchSize, shuffle: !noShuffle, seed: seed)
        let total = steps ?? schedule.steps(epochs: epochs)
        let trainer = LoRATrainer(model: llama, adapter: adapter)
        let baseName = (path as NSString).lastPathComponent
        let metricsHandle = try metrics.map { p -> FileHandle in
            try? FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: p, contents: nil), let h = FileHandle(forWritingAtPath: p) else {
                throw ValidationError("--metrics \(p): cannot create the file")
            }
            return h
        }
        let progress = self.progress(unit: "steps", total: total)
        let start = Date()
        while optimizer.step < total {
            let step = optimizer.step
            let batch = schedule.batch(step).map { examples[$0] }
            let stepStart = Date()
            let (loss, tokens) = trainer.loss(batch, gradients: true)
            optimizer.update(adapter)
            var record: [String: Any] = ["step": step, "loss": loss, "tokens": tokens,
                                         "lr": Double(lr), "seconds": Date().timeIntervalSince(stepStart)]
            let last = optimizer.step == total
            if last || evalEvery.map({ optimizer.step % $0 == 0 }) == true {
                if let validation { record["valid_loss"] = validationLoss(trainer, validation) }
                try TrainingCheckpoint.save((out as NSString).appendingPathComponent("checkpoint"), adapter: adapter, model: llama,
                                            baseModelName: baseName, optimizer: optimizer, schedule: schedule)
            }
            if let metricsHandle {
                let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                metricsHandle.write(line + Data("\n".utf8))
            }
            progress.update(optimizer.step)
        }
        progress.finish(optimizer.step)
        try PEFTAdapterFolder.save(adapter, to: out, for: llama, baseModelName: baseName)
        diagnostics.note(String(format: "%d steps in %.1f s; adapter written to %@", total, Date().timeIntervalSince(start), out))
    }

    /// The token-level mean loss over all validation examples, a batch at a time.
    private func validationLoss(_ trainer: LoRATrainer, _ examples: [TrainingSequence]) -> Double {
        var sum = 0.0, count = 0
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let (loss, tokens) = trainer.loss(Array(examples[start..<min(examples.count, start + batchSize)]), gradients: false)
            sum += loss * Double(tokens)
            count += tokens
        }
        return count > 0 ? sum / Double(count) : 0
    }
}
