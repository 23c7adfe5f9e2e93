// A resumable training state: the adapter folder plus AdamW's moments and the step.

import Foundation
import ModelFiles
import TensorCore

/// `DIR/adapter_config.json` + `DIR/adapter_model.safetensors` (a PEFT adapter, loadable on its
/// own), `DIR/optimizer.safetensors` (AdamW's m and v under the adapter's key names + ".exp_avg" /
/// ".exp_avg_sq") and `DIR/trainer_state.json` (step, AdamW settings, schedule). The shuffling
/// state is (seed, step), so nothing else is needed to continue exactly.
public enum TrainingCheckpoint {
    public static let optimizerName = "optimizer.safetensors"
    public static let stateName = "trainer_state.json"

    public struct State: Codable, Sendable, Equatable {
        public var step: Int
        public var learningRate: Float
        public var weightDecay: Float
        public var batchSize: Int
        public var shuffle: Bool
        public var seed: UInt64
        public var exampleCount: Int
    }

    public static func save(_ folder: String, adapter: TrainableAdapter, model: LlamaModel, baseModelName: String,
                            optimizer: AdamW, schedule: TrainingSchedule) throws {
        try PEFTAdapterFolder.save(adapter, to: folder, for: model, baseModelName: baseModelName)
        var writer = SafetensorsWriter()
        for p in adapter.parameters {
            try writer.add(name: p.peftStem + ".exp_avg", floats: p.m.toArray(), shape: p.m.shape)
            try writer.add(name: p.peftStem + ".exp_avg_sq", floats: p.v.toArray(), shape: p.v.shape)
        }
        try writer.write(toPath: (folder as NSString).appendingPathComponent(optimizerName))
        let state = State(step: optimizer.step, learningRate: optimizer.settings.learningRate,
                          weightDecay: optimizer.settings.weightDecay, batchSize: schedule.batchSize,
                          shuffle: schedule.shuffle, seed: schedule.seed, exampleCount: schedule.exampleCount)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(stateName)))
    }

    /// The adapter (with its AdamW moments restored) and the saved state.
    public static func load(_ folder: String, model: LlamaModel) throws -> (TrainableAdapter, State) {
        let statePath = (folder as NSString).appendingPathComponent(stateName)
        guard let data = FileManager.default.contents(atPath: statePath),
              let state = try? JSONDecoder().decode(State.self, from: data) else {
            throw TrainingError.badAdapter(path: statePath, reason: "missing or not a lora-train checkpoint state")
        }
        let adapter = try PEFTAdapterFolder.load(folder, for: model)
        let path = (folder as NSString).appendingPathComponent(optimizerName)
        let file = try SafetensorsFile(path: path)
        for p in adapter.parameters {
            for (suffix, tensor) in [(".exp_avg", p.m), (".exp_avg_sq", p.v)] {
                let name = p.peftStem + suffix
                guard let info = file.tensors.first(where: { $0.name == name }), info.shape == tensor.shape else {
                    throw TrainingError.badAdapter(path: path, reason: "tensor '\(name)' is missing or not shaped \(tensor.shape)")
                }
                try file.floats(name, into: tensor.data)
            }
        }
        return (adapter, state)
    }
}
