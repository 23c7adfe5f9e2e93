import ArgumentParser
import Foundation
import LoragBasics
import ModelFiles
import Models
import Tokenizers
import ToolSupport

@main
struct Generate: ToolCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a Llama-family model from prompts, chats or retrieved hits.",
        discussion: """
            Input lines: plain text, {"prompt"}, {"messages"}, or retrieve's {"query", "hits"} \
            (a grounded prompt, passages numbered for citation). Output: one JSONL record per \
            input, or the text as it is produced with --stream (the default on a terminal).
            """)

    @Argument(help: "Prompt files (default: stdin); with --score, also a text file to score.")
    var inputs: [String] = []

    @Option(name: .long, help: "GGUF file or Hugging Face folder (default: $LORAG_GENERATE_MODEL or models/SmolLM2-135M-Instruct.Q4_1.gguf).")
    var model: String?

    @Option(name: .long, help: "LoRA adapter PATH[:SCALE] (PEFT folder or GGUF LoRA); repeatable.")
    var lora: [String] = []

    @Flag(name: .long, help: "Merge the adapters into float weights instead of applying them at run time.")
    var merge = false

    @Option(name: .long, help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0

    @Option(name: .long, help: "Sample from the k most likely tokens (0 = all).")
    var topK: Int = 40

    @Option(name: .long, help: "Sample from the most likely tokens whose probabilities add up to p.")
    var topP: Float = 0.95

    @Option(name: .long, help: "Drop tokens less likely than min-p times the most likely.")
    var minP: Float = 0.05

    @Option(name: .long, help: "Repetition penalty over the last 64 tokens (1 = off).")
    var repeatPenalty: Float = 1

    @Option(name: .long, help: "Random seed for sampling; the same seed gives the same output.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Largest number of tokens to generate.")
    var maxTokens: Int = 256

    @Option(name: .long, help: "Stop before this text; repeatable.")
    var stop: [String] = []

    @Flag(name: .long, help: "Feed prompts as written, without the chat template.")
    var raw = false

    @Option(name: .long, help: "System message for the chat template.")
    var system: String?

    @Option(name: .long, help: "Chat template family instead of the model's: chatml, llama3, mistral, gemma, phi3.")
    var chatTemplate: String?

    @Option(name: .long, help: "File with the grounded-prompt template; placeholders {context} and {question}.")
    var ragTemplate: String?

    @Option(name: .long, help: "Context size in tokens (default: the model's, at most 4096); --score's window.")
    var ctxSize: Int?

    @Flag(name: .long, inversion: .prefixedNo, help: "Write the text as it is produced instead of JSONL (default: when stdout is a terminal).")
    var stream: Bool?

    @Flag(name: .long, help: "Print the model's metadata as JSON and exit.")
    var info = false

    @Flag(name: .long, help: "Score instead of generating: log-likelihood and perplexity of {\"prompt\", \"completion\"} records, or of a text file (llama-perplexity's method).")
    var score = false

    @Flag(name: .long, help: "Add prompt and generation speed to each record as \"timings\" (llama.cpp server's names).")
    var timings = false

    @Flag(name: .long, help: "Keep generating past end-of-sequence tokens (for timing a fixed number of tokens).")
    var ignoreEos = false

    @Flag(name: .long, help: "Print each prompt as the model reads it (template and passages included) on stderr.")
    var verbosePrompt = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if raw && chatTemplate != nil { throw ValidationError("--raw and --chat-template exclude each other") }
        if raw && system != nil { throw ValidationError("--system needs a chat template; leave out --raw") }
        if merge && lora.isEmpty { throw ValidationError("--merge needs at least one --lora") }
        if score && stream == true { throw ValidationError("--score writes records; leave out --stream") }
        if let ctxSize, ctxSize < 4 { throw ValidationError("--ctx-size must be at least 4, got \(ctxSize)") }
        if maxTokens < 0 { throw ValidationError("--max-tokens must be at least 0, got \(maxTokens)") }
        do {
            try sampling.validate()
            for argument in lora { _ = try LoRAAdapterSpec(argument: argument) }
        } catch {
            throw ValidationError(error.description)
        }
    }

    var sampling: SamplingParameters {
        var p = SamplingParameters()
        p.temperature = temperature
        p.topK = topK
        p.topP = topP
        p.minP = minP
        p.repeatPenalty = repeatPenalty
        p.seed = seed
        return p
    }

    var settings: GenerationSettings {
        var s = GenerationSettings()
        s.sampling = sampling
        s.maxTokens = maxTokens
        s.stops = stop
        s.ignoreEndTokens = ignoreEos
        s.includeTimings = timings
        return s
    }

    func run() throws {
        let path = try ModelLocator.generation.resolve(explicit: model)
        if info {
            try OutputWriter.standardOutput.writeRecord(try Self.metadata(of: path))
            return
        }
        if let threads = common.threads { GenerationModel.setThreads(threads) }
        let runner = try makeRunner(modelPath: path)
        let output = OutputWriter.standardOutput
        // Completions are slow: each record (or piece of streamed text) goes out as soon as it exists.
        output.flushEachRecord = true
        if score {
            try GenerateInput.score(inputs, runner: runner, windowSize: ctxSize ?? runner.prompts.contextLength,
                                    output: output, command: self)
        } else {
            try GenerateInput.complete(inputs, runner: runner, stream: stream ?? (isatty(1) != 0),
                                       output: output, command: self)
        }
    }

    /// Loads the model and sets up prompts, sampling and the session.
    private func makeRunner(modelPath: String) throws -> GenerationRunner {
        let loaded = try Self.modelData { try GenerationModel(path: modelPath) }
        try Self.modelData { try loaded.attach(lora.map { try LoRAAdapterSpec(argument: $0) }, merge: merge) }
        var template: ChatTemplate?
        if !raw {
            if let chatTemplate {
                do {
                    template = try ChatTemplate(named: chatTemplate, bosToken: loaded.tokenizer.bosID.map { loaded.tokenizer.tokens[$0] } ?? "",
                                                eosToken: loaded.tokenizer.eosID.map { loaded.tokenizer.tokens[$0] } ?? "")
                } catch {
                    throw ToolError.usage("--chat-template: \(error)")
                }
            } else if let own = loaded.chatTemplate {
                template = own
            } else {
                diagnostics.warning("\(modelPath) has no chat template: prompts are fed as written (name one with --chat-template)")
            }
        }
        var rag = RAGTemplate.standard
        if let ragTemplate {
            guard let data = FileManager.default.contents(atPath: ragTemplate) else {
                throw ToolError.io(operation: "read", path: ragTemplate, errno: errno)
            }
            do {
                rag = try RAGTemplate(text: String(decoding: data, as: UTF8.self), name: ragTemplate)
            } catch {
                throw ToolError.usage(error.description)
            }
        }
        let session = try Self.modelData { try loaded.model.makeSession(contextLength: ctxSize) }
        let context = session.contextLength
        // At most half the context is held back for the completion, so that a long --max-tokens
        // still leaves room for retrieved passages (generation stops when the context is full).
        let prompts = PromptBuilder(tokenizer: loaded.tokenizer, chatTemplate: template, systemPrompt: system,
                                    ragTemplate: rag, addBOS: loaded.addBOS, contextLength: context,
                                    reservedForCompletion: score ? 0 : min(maxTokens, context / 2))
        return GenerationRunner(session: session, tokenizer: loaded.tokenizer, endTokens: loaded.endTokens,
                                addBOS: loaded.addBOS, prompts: prompts, settings: settings)
    }

    /// Runs `body`, reporting a model file the decoder cannot read as bad data (exit 65).
    static func modelData<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.badData("\(error)", at: nil)
        }
    }

    /// `--info`: a GGUF file's metadata, or a Hugging Face folder's config.json.
    static func metadata(of path: String) throws -> JSONObject {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let configPath = path + "/config.json"
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw ToolError.failure("\(configPath): cannot read (a Hugging Face model folder has config.json)")
            }
            let config = try JSONValue(parsing: Array(data))
            return ["path": .string(path), "format": .string("huggingface"), "config": config]
        }
        do {
            return try ModelMetadata.json(of: GGUFFile(path: path))
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.badData("\(error)", at: nil)
        }
    }
}
