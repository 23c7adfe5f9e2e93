// How the encoder's types get their weights: each type allocates its own tensors and asks a
// source to fill them by checkpoint name, so the same code loads a safetensors file or the tiny
// random models the tests build in code.

import ModelFiles
import TensorCore

/// Fills `destination` (room for the product of `shape` floats) with the tensor called `name`,
/// after checking that the checkpoint holds exactly that shape.
public typealias BertWeightSource = (_ name: String, _ shape: [Int], _ destination: UnsafeMutablePointer<Float>)
    throws(EmbeddingError) -> Void

extension SafetensorsFile {
    /// A weight source over this file: F32, F16 and BF16 tensors, widened to Float32.
    public func bertWeightSource() -> BertWeightSource {
        return { (name: String, shape: [Int], destination: UnsafeMutablePointer<Float>) throws(EmbeddingError) in
            do {
                let info = try self.tensor(name)
                // A [N] bias stored as [1, N] is the same numbers; anything else is a different model.
                guard info.shape.reduce(1, *) == shape.reduce(1, *),
                      info.shape.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) else {
                    throw EmbeddingError.badTensorShape(file: self.path, name: name, expected: shape, found: info.shape)
                }
                try self.floats(name, into: destination)
            } catch let error as EmbeddingError {
                throw error
            } catch {
                throw .unreadableModel(path: self.path, reason: "\(error)")
            }
        }
    }
}

extension Tensor {
    /// A tensor of `shape` filled from `source`.
    static func load(_ name: String, _ shape: [Int], from source: BertWeightSource) throws(EmbeddingError) -> Tensor {
        let tensor = Tensor(shape: shape)
        try source(name, shape, tensor.data)
        return tensor
    }
}
