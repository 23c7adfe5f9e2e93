import Foundation
import ModelFiles
@testable import Models
import TensorCore
import Testing

@Suite("LoRA step 0 against shared/reference/lora (dev)")
struct TrainingSharedReferenceTests {
    @Test func stepZero() throws {
        let dir = "/work/shared/reference/lora"
        let model = try LlamaTestFiles.smolLM()
        let adapter = try PEFTAdapterFolder.load(dir + "/init_adapter", for: model)
        let trainer = LoRATrainer(model: model, adapter: adapter)
        let batch = try TrainingTestFiles.batch(URL(fileURLWithPath: dir + "/batch0.json"))
        let clock = ContinuousClock.now
        let (loss, tokens) = trainer.loss(batch, gradients: true)
        print("step0 loss \(loss) tokens \(tokens) time \(ContinuousClock.now - clock)")
        #expect(tokens == 81)
        #expect(abs(loss - 4.3246073722839355) / 4.3246073722839355 < 1e-5)
        let grads = try SafetensorsFile(path: dir + "/grads_step0.safetensors")
        var worst: Float = 0, worstName = ""
        for (name, tensor) in PEFTAdapterFolder.tensors(adapter, for: model, gradients: true) {
            let ref = try grads.floats(name)
            let (scale, diff) = ref.withUnsafeBufferPointer { r in
                TrainingTestFiles.maxima(UnsafeBufferPointer(tensor.buffer), r)
            }
            if diff / scale > worst { worst = diff / scale; worstName = name }
        }
        print("worst relative gradient error \(worst) in \(worstName)")
        #expect(worst < 1e-4)
    }
}
