import Foundation
import ModelFiles
import Models
import Testing

/// Adapters: loading PEFT folders, the invariants of attaching and merging, clear errors, and
/// (when /work/shared/reference/lora is present) PEFT's own outputs.
@Suite(.serialized) struct LoRATests {
    static let prompt: [Int32] = [504, 3575, 282, 4649, 314]

    /// A fresh model (attaching mutates it, so the shared one of the reference tests is not used).
    static func freshModel() throws -> LlamaModel {
        try LlamaModel.load(path: LlamaTestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf").path)
    }

    /// Writes a PEFT folder with adapters on q/k/v/down of blocks 0 and 7; B is `bScale` · noise.
    static func writePEFT(bScale: Float, aShape: [Int] = [4, 576], seed: UInt64 = 7) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lora-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SplitMix(seed)
        var writer = SafetensorsWriter()
        for layer in [0, 7] {
            for (module, out, inner) in [("self_attn.q_proj", 576, 576), ("self_attn.k_proj", 192, 576),
                                         ("self_attn.v_proj", 192, 576), ("mlp.down_proj", 576, 1536)] {
                let key = "base_model.model.model.layers.\(layer).\(module)"
                let a = aShape[1] == 576 && inner == 1536 ? [aShape[0], 1536] : aShape
                try writer.add(name: key + ".lora_A.weight", floats: (0..<(a[0] * a[1])).map { _ in rng.uniform() * 0.2 }, shape: a)
                try writer.add(name: key + ".lora_B.weight", floats: (0..<(out * a[0])).map { _ in rng.uniform() * bScale },
                               shape: [out, a[0]])
            }
        }
        try writer.write(toPath: folder.appendingPathComponent("adapter_model.safetensors").path)
        let config = #"{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "use_rslora": false}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("adapter_config.json"))
        return folder
    }

    static func logits(_ model: LlamaModel) throws -> [Float] {
        // The session owns the returned buffer, so it must outlive the copy.
        let session = try model.makeSession(contextLength: 16)
        return try withExtendedLifetime(session) { Array(try session.append(prompt)) }
    }

    static func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func zeroBAdapterEqualsBase() throws {
        let model = try Self.freshModel()
        let base = try Self.logits(model)
        let folder = try Self.writePEFT(bScale: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        model.attach(try LoRAAdapter.load(path: folder.path, for: model), scale: 3)
        #expect(Self.maxDiff(try Self.logits(model), base) == 0)
    }

    @Test func mergedEqualsUnmerged() throws {
        let model = try Self.freshModel()
        let base = try Self.logits(model)
        let folder = try Self.writePEFT(bScale: 0.05)
        defer { try? FileManager.default.removeItem(at: folder) }
        model.attach(try LoRAAdapter.load(path: folder.path, for: model))
        let unmerged = try Self.logits(model)
        #expect(Self.maxDiff(unmerged, base) > 0.05, "the adapter must change the logits for this test to mean anything")
        model.mergeAdapters()
        let merged = try Self.logits(model)
        #expect(Self.maxDiff(merged, unmerged) < 1e-3)
    }

    @Test func mismatchedAdaptersAreErrors() throws {
        let model = try LlamaTestFiles.smolLM()
        let folder = try Self.writePEFT(bScale: 0.05, aShape: [4, 500])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: ModelError.self) { try LoRAAdapter.load(path: folder.path, for: model) }
        #expect(throws: ModelError.self) { try LoRAAdapter.load(path: "/nonexistent/adapter", for: model) }
    }

    // PEFT's reference outputs. The adapters are 9.8 MB each, too large for Tests/Fixtures, so
    // these run where the shared reference folder is mounted.
    static let reference = URL(fileURLWithPath: "/work/shared/reference/lora")
    static var haveReference: Bool { FileManager.default.fileExists(atPath: reference.path) }

    struct Batch: Decodable {
        var input_ids: [[Int32]]
        var attention_mask: [[Int]]
    }

    @Test(.enabled(if: haveReference)) func initAdapterMatchesPEFTLogits() throws {
        let model = try Self.freshModel()
        model.attach(try LoRAAdapter.load(path: Self.reference.appendingPathComponent("init_adapter").path, for: model))
        let batch = try JSONDecoder().decode(Batch.self, from: Data(contentsOf: Self.reference.appendingPathComponent("batch0.json")))
        let expected = try #require(try NpyArray(path: Self.reference.appendingPathComponent("logits_batch0_last_adapter.npy").path).floats)
        let vocab = 49152
        let session = try model.makeSession(contextLength: 64)
        for (i, ids) in batch.input_ids.enumerated() {
            let length = batch.attention_mask[i].reduce(0, +)
            session.reset()
            let logits = try session.append(Array(ids.prefix(length)))
            let row = Array(expected[(i * vocab)..<((i + 1) * vocab)])
            let scale = row.map(abs).max()!
            #expect(Self.maxDiff(Array(logits), row) / scale < 1e-3, "sequence \(i)")
        }
    }

    struct Heldout: Decodable {
        var prompt_ids: [Int32]
        var after_ids: [Int32]
    }

    @Test(.enabled(if: haveReference)) func trainedAdapterReproducesPEFTGreedy() throws {
        let model = try Self.freshModel()
        model.attach(try LoRAAdapter.load(path: Self.reference.appendingPathComponent("trained_adapter").path, for: model))
        let text = try String(contentsOf: Self.reference.appendingPathComponent("after_training.jsonl"), encoding: .utf8)
        let rows = try text.split(separator: "\n").map { try JSONDecoder().decode(Heldout.self, from: Data($0.utf8)) }
        let session = try model.makeSession(contextLength: 128)
        for row in rows {
            session.reset()
            var logits = try session.append(row.prompt_ids)
            var produced: [Int32] = []
            while produced.count < 40 {
                let next = argmax(logits)
                produced.append(next)
                if next == 0 || next == 2 { break }
                logits = try session.append([next])
            }
            #expect(produced == row.after_ids)
        }
    }
}
