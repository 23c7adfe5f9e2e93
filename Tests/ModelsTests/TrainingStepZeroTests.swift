import Foundation
import ModelFiles
@testable import Models
import TensorCore
import Testing

/// The adapter of make_step0_fixture.py: element e of parameter j (layer-major, projections in
/// forward order) is a 16-bit hash of (e, j) times a power of two, so it is exact in Float32 and
/// needs no 9.8 MB file. Values are in PEFT (Hugging Face) row order, then moved to the model's.
func hashedAdapter(_ model: LlamaModel) -> TrainableAdapter {
    let adapter = TrainableAdapter(configuration: model.configuration, rank: 8, alpha: 16,
                                   targets: LlamaWeightNames.projections)
    for (j, p) in adapter.parameters.enumerated() {
        for e in 0..<p.a.count {
            let u = (e &* 2_654_435_761 &+ j &* 40503 &+ 1) % 65536
            p.a.data[e] = Float(u - 32768) * 0x1p-20
        }
        for e in 0..<p.b.count {
            let u = (e &* 2_246_822_519 &+ j &* 97 &+ 7) % 65536
            p.b.data[e] = Float(u - 32768) * 0x1p-23
        }
        if PEFTAdapterFolder.permutesQueryKey(model) {
            PEFTAdapterFolder.permuteRows(p.b, role: p.role, model.configuration, toGGUF: true)
        }
    }
    return adapter
}

@Suite("LoRA step 0 against PEFT")
struct TrainingStepZeroTests {
    struct Reference: Decodable {
        var loss: Double
        var gradient_l2_norms: [String: Double]
    }

    @Test func lossAndGradientsMatchPEFT() throws {
        let model = try LlamaTestFiles.smolLM()
        let adapter = hashedAdapter(model)
        let trainer = LoRATrainer(model: model, adapter: adapter)
        let batch = try TrainingTestFiles.batch(TrainingTestFiles.fixture("batch0.json"))
        let (loss, tokens) = trainer.loss(batch, gradients: true)
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: TrainingTestFiles.fixture("step0_hashed.json")))
        #expect(tokens == 81)
        // Float32 throughout on both sides, with different summation orders: the reference README
        // expects ~1e-5 relative from an independent float32 implementation.
        #expect(abs(loss - reference.loss) / reference.loss < 1e-5, "loss \(loss), PEFT \(reference.loss)")

        let grads = PEFTAdapterFolder.tensors(adapter, for: model, gradients: true)
        #expect(grads.count == 420 && reference.gradient_l2_norms.count == 420)
        for (name, tensor) in grads {
            let norm = tensor.buffer.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let expected = try #require(reference.gradient_l2_norms[name], "\(name) has no reference norm")
            // A norm sums thousands of elements, so it is as tight as the largest ones: 1e-4.
            #expect(abs(norm - expected) / expected < 1e-4, "\(name): L2 norm \(norm), PEFT \(expected)")
        }
        let subset = try SafetensorsFile(path: TrainingTestFiles.fixture("step0_hashed.safetensors").path)
        #expect(subset.tensors.count == 12)
        let byName = Dictionary(uniqueKeysWithValues: grads)
        for info in subset.tensors {
            let ours = try #require(byName[info.name])
            let theirs = try subset.floats(info.name)
            let (scale, difference) = theirs.withUnsafeBufferPointer { TrainingTestFiles.maxima(UnsafeBufferPointer(ours.buffer), $0) }
            // Per tensor against its largest element, as the reference README states: small
            // elements are sums with cancellation, so only the scale of the tensor is meaningful.
            #expect(difference / scale < 1e-4, "\(info.name): max difference \(difference), largest \(scale)")
        }
    }

    @Test func zeroBGivesTheBaseModelsLoss() throws {
        let model = try LlamaTestFiles.smolLM()
        let adapter = hashedAdapter(model)
        for p in adapter.parameters { p.b.zero() }
        let trainer = LoRATrainer(model: model, adapter: adapter)
        let batch = try TrainingTestFiles.batch(TrainingTestFiles.fixture("batch0.json"))
        let (loss, tokens) = trainer.loss(batch, gradients: false)
        // The same loss from the inference decoder (KV-cache session, quantised weights).
        var sum = 0.0, count = 0
        for sequence in batch {
            let session = try model.makeSession(contextLength: 128)
            // Float32 one-token products: the int16-activation ones (the default on AVX2) round
            // the first position's keys and values, which moves this loss by 1.6e-5 relative.
            session.integerProducts = false
            _ = try session.append([Int32(sequence.ids[0])])
            let logProbabilities = try session.logProbabilities(of: sequence.ids.dropFirst().map { Int32($0) })
            for t in 1..<sequence.ids.count where sequence.labels[t] != TrainingSequence.ignoredLabel {
                sum -= logProbabilities[t - 1]
                count += 1
            }
        }
        #expect(count == tokens)
        // Two float32 decoders with different product orders (slab-decoded vs whole matrices).
        #expect(abs(loss - sum / Double(count)) / loss < 1e-5, "trainer \(loss), session \(sum / Double(count))")
    }

    @Test func encoderReproducesTheReferenceTokenisation() throws {
        let model = try LlamaTestFiles.smolLM()
        let gguf = try #require(model.gguf)
        let tokenizer = try GGUFTokenizer.tokenizer(gguf)
        let encoder = TrainingExampleEncoder(tokenizer: tokenizer, template: try GGUFTokenizer.chatTemplate(gguf, tokenizer: tokenizer))
        let encoded = try encoder.encodeFile(TrainingTestFiles.fixture("train_first4.jsonl").path)
        let batch = try TrainingTestFiles.batch(TrainingTestFiles.fixture("batch0.json"))
        #expect(encoded == batch)
    }
}
