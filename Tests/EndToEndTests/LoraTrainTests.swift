import Foundation
import Testing

/// `lora-train` as a program: flag validation, and two real steps with a checkpoint and a resume.
@Suite struct LoraTrainTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let smolLM2 = root.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let examples = root.appendingPathComponent("Tests/Fixtures/lora/train_first4.jsonl").path

    @Test func badFlagsAreUsageErrors() throws {
        let outcome = try ProgramRunner.run("lora-train", ["--data", Self.examples, "--out", "/tmp/x", "--rank", "0"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--rank"), "\(outcome.stderr)")
        let targets = try ProgramRunner.run("lora-train", ["--data", Self.examples, "--out", "/tmp/x", "--targets", "q_proj,nope"])
        #expect(targets.status == 64 && targets.stderr.contains("nope"), "\(targets.stderr)")
    }

    @Test func trainsWritesAPEFTFolderAndResumes() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smolLM2), "\(Self.smolLM2) is missing: run `make models`")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lora-train-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let common = ["--model", Self.smolLM2, "--data", Self.examples, "--valid", Self.examples, "--batch-size", "2",
                      "--rank", "4", "--targets", "q_proj,v_proj", "--lr", "1e-3", "--quiet"]
        let first = try ProgramRunner.run("lora-train", common + ["--out", out + "/a", "--steps", "1", "--metrics", out + "/m1.jsonl"])
        #expect(first.status == 0, "\(first.stderr)")
        for file in ["adapter_config.json", "adapter_model.safetensors", "checkpoint/optimizer.safetensors", "checkpoint/trainer_state.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/a/" + file), "\(file) is missing")
        }
        let resumed = try ProgramRunner.run("lora-train", common + ["--out", out + "/b", "--steps", "2", "--resume", out + "/a/checkpoint",
                                                                    "--metrics", out + "/m2.jsonl"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let straight = try ProgramRunner.run("lora-train", common + ["--out", out + "/c", "--steps", "2", "--metrics", out + "/m3.jsonl"])
        #expect(straight.status == 0, "\(straight.stderr)")
        func rows(_ name: String) throws -> [[String: Any]] {
            try String(contentsOfFile: out + "/" + name, encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        let m2 = try rows("m2.jsonl"), m3 = try rows("m3.jsonl")
        #expect(m2.count == 1 && m3.count == 2)
        // Step 1 after resuming equals step 1 of an uninterrupted run: same batch, same moments.
        #expect(m2.first?["step"] as? Int == 1)
        #expect(m2.first?["loss"] as? Double == m3.last?["loss"] as? Double)
        #expect(m3.last?["valid_loss"] is Double && (m3.first?["tokens"] as? Int ?? 0) > 0)
        let b = try Data(contentsOf: URL(fileURLWithPath: out + "/b/adapter_model.safetensors"))
        let c = try Data(contentsOf: URL(fileURLWithPath: out + "/c/adapter_model.safetensors"))
        #expect(b == c)
    }
}
