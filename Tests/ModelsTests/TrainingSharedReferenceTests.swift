import Foundation
import ModelFiles
@testable import Models
import TensorCore
import Testing

/// The full PEFT reference (shared/reference/lora: the 9.8 MB init adapter and all 420 gradients)
/// is too large for the repository. CI lays shared/ beside the clone, so this test reads it from
/// `$LORAG_SHARED_REFERENCE` or `<checkout>/../shared/reference/lora`; on a machine with neither it
/// checks nothing (the committed subset in TrainingStepZeroTests covers the same code).
@Suite("LoRA step 0 against shared/reference/lora")
struct TrainingSharedReferenceTests {
    static var directory: String? {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["LORAG_SHARED_REFERENCE"],
                          LlamaTestFiles.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/lora").path]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/grads_step0.safetensors") }
    }

    @Test(.enabled(if: directory != nil, "shared/reference/lora is not beside the checkout"))
    func stepZeroWithTheInitAdapter() throws {
        let dir = try #require(Self.directory)
        let model = try LlamaTestFiles.smolLM()
        let adapter = try PEFTAdapterFolder.load(dir + "/init_adapter", for: model)
        let trainer = LoRATrainer(model: model, adapter: adapter)
        let batch = try TrainingTestFiles.batch(URL(fileURLWithPath: dir + "/batch0.json"))
        let (loss, tokens) = trainer.loss(batch, gradients: true)
        #expect(tokens == 81)
        #expect(abs(loss - 4.3246073722839355) / 4.3246073722839355 < 1e-5, "loss \(loss)")
        let grads = try SafetensorsFile(path: dir + "/grads_step0.safetensors")
        var errors: [(Float, String)] = []
        for (name, tensor) in PEFTAdapterFolder.tensors(adapter, for: model, gradients: true) {
            let ref = try grads.floats(name)
            let (scale, diff) = ref.withUnsafeBufferPointer { TrainingTestFiles.maxima(UnsafeBufferPointer(tensor.buffer), $0) }
            errors.append((diff / scale, name))
        }
        errors.sort { $0.0 > $1.0 }
        print("loss \(loss); worst relative gradient errors:", errors.prefix(8).map { "\($0.1): \($0.0)" }.joined(separator: "\n"))
        print("median", errors[errors.count / 2].0, "count > 1e-4:", errors.filter { $0.0 > 1e-4 }.count)
        // Measured: median 5e-5, worst 4.6e-4 (late-layer o_proj/down_proj lora_B, which the
        // output logits drive most directly); the loss differs by 4e-6 relative. The formula
        // adapter of TrainingStepZeroTests stays within 1e-4 on every checked tensor. A likely source
        // is RoPE: TensorCore's tables are computed in Double, PyTorch's in float32 (angle error up
        // to ulp(59 rad) ≈ 4e-6, the size of the loss difference). 1e-3 bounds what was measured.
        #expect(errors[0].0 < 1e-3)
    }
}
