import Foundation
import Testing

/// `generate` through real pipes: flag validation, and `--info` on the default model.
@Suite struct GenerateTests {
    /// The default generation model of `make models`, found from this file's place in the checkout.
    static let smolLM2 = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path

    @Test func infoPrintsTheModelMetadataAsOneJSONRecord() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2), "\(Self.smolLM2) is missing: run `make models`")
        let outcome = try ProgramRunner.run("generate", ["--info", "--model", Self.smolLM2])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        // Figures from llama.cpp's load log and llama-bench for this file (shared/anchors/llamacpp.md).
        #expect(record["parameters"] as? Int == 134_515_008)
        let tensors = try #require(record["tensors"] as? [String: Any])
        #expect(tensors["count"] as? Int == 272)
        #expect(tensors["types"] as? [String: Int] == ["F32": 61, "Q4_1": 210, "Q8_0": 1])
        let metadata = try #require(record["metadata"] as? [String: Any])
        #expect(metadata["general.architecture"] as? String == "llama")
        #expect(metadata["llama.block_count"] as? Int == 30)
        #expect(metadata["tokenizer.ggml.pre"] as? String == "smollm")
        #expect(metadata["tokenizer.ggml.add_bos_token"] as? Bool == false)
        // The vocabulary is summarised, not printed.
        let tokens = try #require(metadata["tokenizer.ggml.tokens"] as? [String: Any])
        #expect(tokens["length"] as? Int == 49152)
    }

    @Test func aFileThatIsNotAModelIsADataError() throws {
        let notModel = FileManager.default.temporaryDirectory.appendingPathComponent("generate-not-a-model-\(getpid()).gguf")
        try Data("root:x:0:0\n".utf8).write(to: notModel)
        defer { try? FileManager.default.removeItem(at: notModel) }
        let outcome = try ProgramRunner.run("generate", ["--info", "--model", notModel.path])
        #expect(outcome.status == 65)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.allSatisfy { $0.hasPrefix("generate: ") }, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("GGUF"))
    }

    @Test(arguments: [
        (["--raw", "--system", "be brief"], "--system needs a chat template"),
        (["--raw", "--chat-template", "chatml"], "--raw and --chat-template exclude each other"),
        (["--top-p", "0"], "--top-p 0.0 is out of range"),
        (["--temperature=-1"], "--temperature -1.0 is out of range"),
        (["--lora", "adapter:nan"], "--lora adapter:nan is out of range"),
        (["--merge"], "--merge needs at least one --lora"),
        (["--ctx-size", "2"], "--ctx-size must be at least 4"),
        (["--score", "--stream"], "--score writes records"),
    ])
    func badFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let outcome = try ProgramRunner.run("generate", arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.first?.hasPrefix("generate: " + message) == true, "\(outcome.stderr)")
    }
}
